import { describeSchedule, schedule, type ScheduleOptions } from './schedule';

const OPTIONS: ScheduleOptions = {
  seed: 42,
  killEveryMs: 10_000,
  killWindowMs: 120_000,
  killable: ['e1', 'e2', 'e3', 'g1', 'g2', 'x1', 'p1'],
  restartMs: [1_000, 3_000],
  pausable: ['e1', 'e2', 'e3'],
  pauses: 2,
  nodeTtlMs: 2_000,
  drainable: ['g1', 'g2'],
  servers: ['cassandra', 'kafka', 'redis'],
  serverDownMs: [5_000, 10_000],
};

describe('the chaos fault schedule', () => {
  it('is the same for the same seed and another for another seed', () => {
    expect(schedule(OPTIONS)).toEqual(schedule({ ...OPTIONS }));
    expect(describeSchedule(42, schedule(OPTIONS))).toContain('--seed 42');
    expect(schedule({ ...OPTIONS, seed: 43 })).not.toEqual(schedule(OPTIONS));
  });

  it.each([1, 2, 3, 1234, 99_999])('holds its constraints (seed %i)', (seed) => {
    const faults = schedule({ ...OPTIONS, seed });
    const of = (kind: string) => faults.filter((f) => f.kind === kind);
    // A kill every 10 s for 2 minutes, of a killable process, restarted after a pause within bounds.
    expect(of('kill').map((f) => f.atMs)).toEqual(Array.from({ length: 12 }, (_, i) => i * 10_000));
    for (const kill of of('kill')) {
      expect(OPTIONS.killable).toContain(kill.target);
      expect(kill.forMs).toBeGreaterThanOrEqual(1_000);
      expect(kill.forMs).toBeLessThanOrEqual(3_000);
    }
    // Pauses longer than the membership heartbeat, of engines; one drain of a gateway.
    expect(of('pause')).toHaveLength(2);
    for (const pause of of('pause')) {
      expect(OPTIONS.pausable).toContain(pause.target);
      expect(pause.forMs).toBeGreaterThan(OPTIONS.nodeTtlMs);
    }
    expect(of('drain')).toHaveLength(1);
    expect(OPTIONS.drainable).toContain(of('drain')[0].target);
    // Product faults never overlap: each ends before the next starts.
    const product = faults.filter((f) => f.kind !== 'server-stop');
    for (let i = 1; i < product.length; i++) expect(product[i - 1].atMs + product[i - 1].forMs).toBeLessThan(product[i].atMs);
    // Each server stopped once, within the run, never two at once, each at most 10 s.
    const stops = of('server-stop');
    expect(stops.map((f) => f.target).sort()).toEqual(['cassandra', 'kafka', 'redis']);
    for (let i = 1; i < stops.length; i++) expect(stops[i - 1].atMs + stops[i - 1].forMs).toBeLessThanOrEqual(stops[i].atMs);
    for (const stop of stops) expect(stop.forMs).toBeLessThanOrEqual(10_000);
    expect(Math.max(...faults.map((f) => f.atMs + f.forMs))).toBeLessThanOrEqual(OPTIONS.killWindowMs);
  });

  it('leaves server stops out when none are asked for, and the drain when no gateway may be drained', () => {
    const faults = schedule({ ...OPTIONS, servers: [], drainable: [] });
    expect(faults.filter((f) => f.kind === 'server-stop' || f.kind === 'drain')).toEqual([]);
  });
});
