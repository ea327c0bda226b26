import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';

/** Recorded in microseconds, from 1 µs to 10 minutes, 3 significant digits. */
const HIGHEST_US = 600_000_000;

/** Latency percentiles in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** A latency histogram that workers fill and the parent merges (they travel as compressed base64). */
export class Latency {
  private constructor(private readonly histogram: Histogram) {}

  static empty(): Latency {
    return new Latency(build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3, useWebAssembly: false }));
  }

  static decode(encoded: string): Latency {
    return new Latency(decodeFromCompressedBase64(encoded, 32, false));
  }

  /** Records one latency of `ms` milliseconds (clamped to the trackable range). */
  record(ms: number): void {
    this.histogram.recordValue(Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000))));
  }

  add(other: Latency): this {
    this.histogram.add(other.histogram);
    return this;
  }

  encode(): string {
    return encodeIntoCompressedBase64(this.histogram);
  }

  summary(): LatencySummary {
    const ms = (us: number) => Math.round(us) / 1000;
    const h = this.histogram;
    return {
      count: h.totalCount,
      p50: ms(h.getValueAtPercentile(50)),
      p95: ms(h.getValueAtPercentile(95)),
      p99: ms(h.getValueAtPercentile(99)),
      max: ms(h.maxValue),
    };
  }
}
