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
});
