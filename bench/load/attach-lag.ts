/**
 * The reporting attacher's lag, from a session's close to its final statistics attached to its interaction, read from
 * the attacher's histogram `ocs_reporting_attach_lag_seconds` on its `/metrics`: snapshots at the start, the middle
 * and the end of the churn give the quantiles of each half, so a lag that grows over the run shows.
 */

const METRIC = 'ocs_reporting_attach_lag_seconds';

/** Cumulative counts of the histogram's buckets, by upper bound in seconds (`+Inf` last). */
export type LagSnapshot = Array<[number, number]>;

export interface LagQuantiles {
  /** Sessions whose statistics were attached in the window. */
  count: number;
  p50Ms: number;
  p99Ms: number;
}

export interface AttachLag {
  whole: LagQuantiles;
  firstHalf: LagQuantiles;
  secondHalf: LagQuantiles;
}

/** The buckets of histogram `metric` (the attacher's lag unless told) in a Prometheus text exposition. */
export function parseLag(text: string, metric = METRIC): LagSnapshot {
  const buckets: LagSnapshot = [];
  const bucket = `${metric}_bucket`;
  for (const line of text.split('\n')) {
    const match = line.startsWith(bucket) ? /le="([^"]+)"\}\s+(\S+)/.exec(line) : null;
    if (match) buckets.push([match[1] === '+Inf' ? Infinity : Number(match[1]), Number(match[2])]);
  }
  return buckets.sort((a, b) => a[0] - b[0]);
}

export async function readLag(url: string): Promise<LagSnapshot> {
  return parseLag(await (await fetch(url)).text());
}

/**
 * The p50 and p99 of what was observed between two snapshots, interpolated linearly inside a bucket (the last finite
 * bound stands for the `+Inf` bucket): as precise as the buckets are.
 */
export function quantiles(from: LagSnapshot, to: LagSnapshot): LagQuantiles {
  const before = new Map(from);
  const counts = to.map(([le, cumulative]): [number, number] => [le, cumulative - (before.get(le) ?? 0)]);
  const count = counts.at(-1)?.[1] ?? 0;
  const at = (q: number): number => {
    if (count === 0) return 0;
    const rank = q * count;
    let lower = 0;
    let below = 0;
    for (const [le, cumulative] of counts) {
      const upper = Number.isFinite(le) ? le : lower;
      if (cumulative >= rank) return 1000 * (cumulative === below ? upper : lower + ((upper - lower) * (rank - below)) / (cumulative - below));
      [lower, below] = [upper, cumulative];
    }
    return 1000 * lower;
  };
  return { count, p50Ms: at(0.5), p99Ms: at(0.99) };
}

/** Whether the lag grew over the run: the second half's p99 above twice the first's and above 100 ms. */
export function lagGrows(lag: AttachLag): boolean {
  return lag.secondHalf.p99Ms > Math.max(2 * lag.firstHalf.p99Ms, 100);
}
