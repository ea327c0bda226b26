import { Commits } from './commits';

describe('Commits', () => {
  const committed: Array<Array<[number, string]>> = [];
  const commits = () =>
    new Commits(
      async (offsets) => void committed.push(offsets),
      () => undefined,
    );
  beforeEach(() => (committed.length = 0));

  it("commits a partition's offset only past records handled without a gap, in any order they finish", async () => {
    const c = commits();
    const [a, b, d] = [c.taken(0, 10n), c.taken(0, 11n), c.taken(0, 14n)];
    const other = c.taken(1, 3n);
    d();
    b();
    await c.settled();
    expect(committed).toEqual([]);
    a();
    await c.settled();
    other();
    await c.settled();
    expect(committed.flat()).toEqual([
      [0, '15'],
      [1, '4'],
    ]);
  });

  it('forgets what was taken before a rebalance: a record of then finishing commits nothing', async () => {
    const c = commits();
    const before = c.taken(0, 5n);
    c.reset();
    const after = c.taken(0, 3n);
    before();
    await c.settled();
    expect(committed).toEqual([]);
    after();
    await c.settled();
    expect(committed.flat()).toEqual([[0, '4']]);
  });
});
