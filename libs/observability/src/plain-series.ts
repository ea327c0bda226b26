import { Counter, Histogram, type Registry } from 'prom-client';

/*
 * Series for the metrics recorded on every request and message. prom-client's own `labels(...).inc()` and
 * `.observe()` check and hash the label set at each call, some microseconds that a request pays several times over;
 * these series count in plain numbers (an add, a bucket found) and prom-client reads them only when scraped.
 */

interface SeriesConfig {
  name: string;
  help: string;
  labelNames: string[];
  registers: Registry[];
}

/** One labelled series of a plain counter. */
export class CounterSeries {
  count = 0;
  constructor(readonly labels: Readonly<Record<string, string>>) {}

  inc(): void {
    this.count += 1;
  }
}

/** A counter of plain series: `series(labels)` makes one (keep it: each call makes another), read when scraped. */
export function plainCounter(config: SeriesConfig): (labels: Record<string, string>) => CounterSeries {
  const all: CounterSeries[] = [];
  new Counter({
    ...config,
    collect() {
      this.reset();
      for (const s of all) if (s.count > 0) this.inc(s.labels, s.count);
    },
  });
  return (labels) => {
    const series = new CounterSeries(labels);
    all.push(series);
    return series;
  };
}

/** One labelled series of a plain histogram: observations per bucket (not cumulative), their sum and count. */
export class HistogramSeries {
  readonly buckets: number[];
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.buckets = bounds.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count += 1;
    for (let i = 0; i < this.bounds.length; i++) {
      if (value <= this.bounds[i]) {
        this.buckets[i] += 1;
        return;
      }
    }
  }
}

type Exposition = Awaited<ReturnType<Histogram['get']>>;

/** A histogram whose scrape reads its plain series, in the exposition prom-client gives its own histograms. */
class PlainHistogram extends Histogram {
  readonly series: HistogramSeries[] = [];

  constructor(
    private readonly config: SeriesConfig,
    readonly bounds: readonly number[],
  ) {
    super({ ...config, buckets: [...bounds] });
  }

  override async get(): Promise<Exposition> {
    return this.getForPromString();
  }

  /** What prom-client's registry renders a histogram from (its JSON comes from `get`). */
  async getForPromString(): Promise<Exposition> {
    const { name, help } = this.config;
    const values: Exposition['values'] = [];
    for (const s of this.series) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += s.buckets[i];
        values.push({ metricName: `${name}_bucket`, labels: { le: bound, ...s.labels }, value: cumulative });
      });
      values.push({ metricName: `${name}_bucket`, labels: { le: '+Inf', ...s.labels }, value: s.count });
      values.push({ metricName: `${name}_sum`, labels: { ...s.labels }, value: s.sum });
      values.push({ metricName: `${name}_count`, labels: { ...s.labels }, value: s.count });
    }
    // prom-client types the metric type as an enum its JavaScript does not export; its value is the string.
    return { name, help, type: 'histogram' as unknown as Exposition['type'], aggregator: 'sum', values, collect: () => undefined };
  }
}

/** A histogram of plain series with `bounds` as its buckets: `series(labels)` makes one (keep it), read when scraped. */
export function plainHistogram(config: SeriesConfig, bounds: readonly number[]): (labels: Record<string, string>) => HistogramSeries {
  const histogram = new PlainHistogram(config, bounds);
  return (labels) => {
    const series = new HistogramSeries(labels, bounds);
    histogram.series.push(series);
    return series;
  };
}
