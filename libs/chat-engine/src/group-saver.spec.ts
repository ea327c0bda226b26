import { GroupSaver } from './group-saver';

function controllable() {
  const writes: Array<{ snapshot: number; resolve: () => void; reject: (e: Error) => void }> = [];
  let state = 0;
  const saver = new GroupSaver(
    () =>
      new Promise<void>((resolve, reject) => {
        writes.push({ snapshot: state, resolve, reject });
      }),
  );
  return { writes, saver, setState: (n: number) => (state = n) };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('GroupSaver', () => {
  it('writes at once when idle and resolves when the write succeeds', async () => {
    const { writes, saver } = controllable();
    let done = false;
    const p = saver.save().then(() => (done = true));
    expect(writes).toHaveLength(1);
    await flush();
    expect(done).toBe(false);
    writes[0].resolve();
    await p;
    expect(done).toBe(true);
  });

  it('groups the saves asked during a write into one later write of the newest state', async () => {
    const { writes, saver, setState } = controllable();
    setState(1);
    const first = saver.save();
    setState(2);
    const second = saver.save();
    setState(3);
    const third = saver.save();
    expect(writes.map((w) => w.snapshot)).toEqual([1]);
    writes[0].resolve();
    await first;
    await flush();
    expect(writes.map((w) => w.snapshot)).toEqual([1, 3]);
    writes[1].resolve();
    await Promise.all([second, third]);
  });

  it('never lets a request resolve on a write that started before it', async () => {
    const { writes, saver, setState } = controllable();
    setState(1);
    void saver.save();
    setState(2);
    let later = false;
    const p = saver.save().then(() => (later = true));
    writes[0].resolve();
    await flush();
    expect(later).toBe(false);
    writes[1].resolve();
    await p;
    expect(later).toBe(true);
  });

  it('rejects the requests a failed write served, and goes on with the next', async () => {
    const { writes, saver } = controllable();
    const first = saver.save();
    const second = saver.save();
    writes[0].reject(new Error('disk gone'));
    await expect(first).rejects.toThrow('disk gone');
    await flush();
    writes[1].reject(new Error('still gone'));
    await expect(second).rejects.toThrow('still gone');
    const third = saver.save();
    writes[2].resolve();
    await expect(third).resolves.toBeUndefined();
  });
});
