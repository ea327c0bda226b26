import { lagGrows, parseLag, quantiles } from './attach-lag';

const exposition = (counts: number[]) =>
  [
    '# HELP ocs_reporting_attach_lag_seconds x',
    ...['0.01', '0.02', '0.05', '+Inf'].map((le, i) => `ocs_reporting_attach_lag_seconds_bucket{le="${le}"} ${counts[i]}`),
  ].join('\n');

describe('attach lag from the histogram', () => {
  it('reads the buckets and interpolates the quantiles of a window between two snapshots', () => {
    const start = parseLag(exposition([0, 0, 0, 0]));
    const mid = parseLag(exposition([50, 100, 100, 100]));
    const end = parseLag(exposition([50, 100, 190, 200]));
    expect(mid).toEqual([
      [0.01, 50],
      [0.02, 100],
      [0.05, 100],
      [Infinity, 100],
    ]);
    const first = quantiles(start, mid);
    expect(first.count).toBe(100);
    expect(first.p50Ms).toBeCloseTo(10);
    expect(first.p99Ms).toBeCloseTo(19.8);
    const second = quantiles(mid, end);
    expect(second.count).toBe(100);
    expect(second.p50Ms).toBeCloseTo(20 + (30 * 50) / 90);
    expect(second.p99Ms).toBe(50);
    expect(lagGrows({ whole: quantiles(start, end), firstHalf: first, secondHalf: second })).toBe(false);
    expect(lagGrows({ whole: first, firstHalf: first, secondHalf: { count: 10, p50Ms: 90, p99Ms: 400 } })).toBe(true);
  });
});
