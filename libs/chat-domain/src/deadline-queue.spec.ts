import { DeadlineQueue } from './deadline-queue';

describe('DeadlineQueue', () => {
  it('is empty at first', () => {
    const q = new DeadlineQueue();
    expect(q.size).toBe(0);
    expect(q.peek()).toBeUndefined();
    expect(q.popDue(Number.MAX_SAFE_INTEGER)).toEqual([]);
  });

  it('returns keys in deadline order, only those due (at or before now)', () => {
    const q = new DeadlineQueue();
    q.schedule('c', 300);
    q.schedule('a', 100);
    q.schedule('d', 400);
    q.schedule('b', 200);
    expect(q.size).toBe(4);
    expect(q.peek()).toBe(100);
    expect(q.popDue(99)).toEqual([]);
    expect(q.popDue(200)).toEqual(['a', 'b']);
    expect(q.peek()).toBe(300);
    expect(q.size).toBe(2);
    expect(q.popDue(1000)).toEqual(['c', 'd']);
    expect(q.size).toBe(0);
  });

  it('returns each due key once', () => {
    const q = new DeadlineQueue();
    q.schedule('a', 100);
    expect(q.popDue(150)).toEqual(['a']);
    expect(q.popDue(150)).toEqual([]);
    expect(q.popDue(10_000)).toEqual([]);
  });

  it('keys with the same deadline all come out', () => {
    const q = new DeadlineQueue();
    for (const k of ['x', 'y', 'z']) q.schedule(k, 50);
    expect(q.popDue(50).sort()).toEqual(['x', 'y', 'z']);
  });

  it('rescheduling a key to later moves it', () => {
    const q = new DeadlineQueue();
    q.schedule('a', 100);
    q.schedule('b', 200);
    q.schedule('a', 500);
    expect(q.size).toBe(2);
    expect(q.peek()).toBe(200);
    expect(q.popDue(300)).toEqual(['b']);
    expect(q.peek()).toBe(500);
    expect(q.popDue(499)).toEqual([]);
    expect(q.popDue(500)).toEqual(['a']);
  });

  it('rescheduling a key to earlier moves it, and the old deadline does not fire again', () => {
    const q = new DeadlineQueue();
    q.schedule('a', 500);
    q.schedule('b', 300);
    q.schedule('a', 100);
    expect(q.peek()).toBe(100);
    expect(q.popDue(100)).toEqual(['a']);
    expect(q.popDue(10_000)).toEqual(['b']);
    expect(q.peek()).toBeUndefined();
  });

  it('rescheduling back to an earlier value still yields the key once', () => {
    const q = new DeadlineQueue();
    q.schedule('a', 100);
    q.schedule('a', 200);
    q.schedule('a', 100);
    q.schedule('a', 100);
    expect(q.size).toBe(1);
    expect(q.popDue(1000)).toEqual(['a']);
    expect(q.size).toBe(0);
    expect(q.peek()).toBeUndefined();
  });

  it('schedule(key, undefined) removes the key', () => {
    const q = new DeadlineQueue();
    q.schedule('a', 100);
    q.schedule('b', 200);
    q.schedule('a', undefined);
    expect(q.size).toBe(1);
    expect(q.peek()).toBe(200);
    expect(q.popDue(1000)).toEqual(['b']);
    q.schedule('missing', undefined);
    expect(q.size).toBe(0);
  });

  it('a removed or popped key can be scheduled again', () => {
    const q = new DeadlineQueue();
    q.schedule('a', 100);
    q.schedule('a', undefined);
    q.schedule('a', 100);
    expect(q.popDue(100)).toEqual(['a']);
    q.schedule('a', 100);
    expect(q.size).toBe(1);
    expect(q.popDue(100)).toEqual(['a']);
  });

  it('peek does not remove anything', () => {
    const q = new DeadlineQueue();
    q.schedule('a', 7);
    expect(q.peek()).toBe(7);
    expect(q.peek()).toBe(7);
    expect(q.size).toBe(1);
  });

  it('agrees with a naive model over many random operations', () => {
    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const q = new DeadlineQueue();
    const model = new Map<string, number>();
    let now = 0;
    for (let step = 0; step < 5000; step++) {
      const op = random(10);
      const key = `k${random(40)}`;
      if (op < 6) {
        const at = now + random(1000);
        q.schedule(key, at);
        model.set(key, at);
      } else if (op < 7) {
        q.schedule(key, undefined);
        model.delete(key);
      } else {
        now += random(300);
        const due = [...model.entries()].filter(([, at]) => at <= now);
        const got = q.popDue(now);
        expect(got.map((k) => model.get(k))).toEqual([...got.map((k) => model.get(k))].sort((x = 0, y = 0) => x - y));
        expect([...got].sort()).toEqual(due.map(([k]) => k).sort());
        for (const [k] of due) model.delete(k);
      }
      expect(q.size).toBe(model.size);
      const earliest = model.size ? Math.min(...model.values()) : undefined;
      expect(q.peek()).toBe(earliest);
    }
  });

  it('drops stale entries as keys are rescheduled, keeping about one entry per key', () => {
    const q = new DeadlineQueue();
    for (let round = 0; round < 50; round++) for (let k = 0; k < 100; k++) q.schedule(`k${k}`, 1000 + round * 100 + k);
    expect(q.size).toBe(100);
    expect(q.entries).toBeLessThanOrEqual(150);
    // Still in deadline order, each key once, at its last deadline.
    expect(q.peek()).toBe(1000 + 49 * 100);
    expect(q.popDue(1000 + 49 * 100 + 49)).toEqual(Array.from({ length: 50 }, (_, k) => `k${k}`));
    expect(q.popDue(Number.MAX_SAFE_INTEGER)).toEqual(Array.from({ length: 50 }, (_, k) => `k${k + 50}`));
    expect(q.size).toBe(0);
  });

  it('keeps the heap order when it drops stale entries among keys removed and rescheduled', () => {
    const q = new DeadlineQueue();
    const model = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const key = `k${(i * 7919) % 97}`;
      if (i % 5 === 0) {
        q.schedule(key, undefined);
        model.delete(key);
      } else {
        const at = (i * 104_729) % 10_007;
        q.schedule(key, at);
        model.set(key, at);
      }
    }
    expect(q.entries).toBeLessThanOrEqual(Math.max(64, Math.ceil(model.size * 1.5)) + 1);
    const expected = [...model].sort(([, a], [, b]) => a - b);
    const got = q.popDue(Number.MAX_SAFE_INTEGER);
    expect(got.map((k) => model.get(k))).toEqual(expected.map(([, at]) => at));
    expect([...got].sort()).toEqual(expected.map(([k]) => k).sort());
  });
});
