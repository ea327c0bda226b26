import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { plainCounter, plainHistogram, type CounterSeries, type HistogramSeries } from './plain-series';

/** The APIs whose requests `ocs_requests_total` counts. */
export type RequestApi = 'gms-rest' | 'cometd' | 'agent-ws' | 'esp' | 'engine-rpc' | 'file';

/** A request classified for the metrics: its API and one of that API's few operation names. */
export interface ClassifiedRequest {
  readonly api: RequestApi;
  readonly operation: string;
}

/** Latency buckets (seconds) from 5 ms to a minute: CometD long polls and engine calls alike. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Store and bus round trips: from half a millisecond to 10 s. */
const IO_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

type BoundCounter = ReturnType<Counter['labels']>;

/** Children bound once per label set and kept: after the first event of a kind, recording it is a map lookup and an add. */
class Bound<T> {
  private readonly children = new Map<string, T>();
  constructor(private readonly make: (value: string) => T) {}
  get(value: string): T {
    let child = this.children.get(value);
    if (child === undefined) this.children.set(value, (child = this.make(value)));
    return child;
  }
}

/**
 * The application metrics of one service's registry (`ocs_` prefix, units in the names, `_total` counters), with
 * the hooks the libraries call (they see them through the `*Metrics` interfaces of `@ocs/ports`). One instance per
 * registry: `appMetrics(registry)`.
 */
export class AppMetrics {
  private readonly requests: Bound<Bound<{ count: Bound<CounterSeries>; duration: HistogramSeries }>>;
  private readonly messages: Bound<CounterSeries>;
  private readonly closedSessions: Bound<BoundCounter>;
  private readonly createdSessions: Counter;
  private readonly restoredSessions: Counter;
  private readonly rpcDuration: Histogram;
  private readonly rpcFailures: Bound<BoundCounter>;
  private readonly publishDuration: Histogram;
  private readonly publishFailures: Counter;
  private readonly lags = new Map<string, Map<number, number>>();
  private readonly queryDuration: Histogram;
  private readonly queryFailures: Counter;
  private readonly gauges = new Map<string, GaugeReader[]>();

  constructor(readonly registry: Registry) {
    const registers = [registry];
    // Recorded at every request and message: plain series (see plain-series.ts).
    const requestsTotal = plainCounter({
      name: 'ocs_requests_total',
      help: 'Requests served, by API, operation and status (HTTP status; agent WebSocket: ok or error)',
      labelNames: ['api', 'operation', 'status'],
      registers,
    });
    const requestDuration = plainHistogram(
      {
        name: 'ocs_request_duration_seconds',
        help: 'Time to serve a request, by API and operation (CometD: an operation published, not the long poll)',
        labelNames: ['api', 'operation'],
        registers,
      },
      LATENCY_BUCKETS,
    );
    this.requests = new Bound(
      (api) =>
        new Bound((operation) => ({
          count: new Bound((status) => requestsTotal({ api, operation, status })),
          duration: requestDuration({ api, operation }),
        })),
    );
    const messages = plainCounter({ name: 'ocs_messages_total', help: 'Chat messages committed, by direction', labelNames: ['direction'], registers });
    this.messages = new Bound((direction) => messages({ direction }));
    this.createdSessions = new Counter({ name: 'ocs_sessions_created_total', help: 'Chat sessions created on this node', registers });
    const closed = new Counter({
      name: 'ocs_sessions_closed_total',
      help: 'Chat sessions closed on this node, by end reason (DISCONNECT, QUIT, FORCE, INACTIVE, DB_ERROR)',
      labelNames: ['reason'],
      registers,
    });
    this.closedSessions = new Bound((reason) => closed.labels(reason));
    this.restoredSessions = new Counter({ name: 'ocs_sessions_restored_total', help: 'Sessions of lost nodes restored on this node', registers });
    this.rpcDuration = new Histogram({
      name: 'ocs_engine_rpc_client_duration_seconds',
      help: 'Engine RPC calls of this gateway to a node, answered (a refusal included), by time to answer',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    const rpcFailures = new Counter({
      name: 'ocs_engine_rpc_client_failures_total',
      help: 'Engine RPC calls of this gateway to a node that failed, by outcome (timeout, refused, not-owner, error)',
      labelNames: ['outcome'],
      registers,
    });
    this.rpcFailures = new Bound((outcome) => rpcFailures.labels(outcome));
    this.publishDuration = new Histogram({
      name: 'ocs_kafka_publish_duration_seconds',
      help: 'Time until Kafka acknowledged a publish',
      buckets: IO_BUCKETS,
      registers,
    });
    this.publishFailures = new Counter({ name: 'ocs_kafka_publish_failures_total', help: 'Publishes Kafka did not acknowledge', registers });
    const lags = this.lags;
    new Gauge({
      name: 'ocs_kafka_consumer_lag_records',
      help: 'Records behind the newest, summed over the partitions this node consumes, by consumer group (as of its last batch)',
      labelNames: ['group'],
      registers,
      collect() {
        this.reset();
        for (const [group, partitions] of lags)
          this.set(
            { group },
            [...partitions.values()].reduce((sum, lag) => sum + lag, 0),
          );
      },
    });
    this.queryDuration = new Histogram({ name: 'ocs_cassandra_query_duration_seconds', help: 'Time of a Cassandra statement', buckets: IO_BUCKETS, registers });
    this.queryFailures = new Counter({ name: 'ocs_cassandra_query_failures_total', help: 'Cassandra statements that failed', registers });
  }

  /** `ocs_requests_total` and `ocs_request_duration_seconds`. */
  request(api: RequestApi, operation: string, status: string, seconds: number): void {
    const bound = this.requests.get(api).get(operation);
    bound.count.get(status).inc();
    bound.duration.observe(seconds);
  }

  created(): void {
    this.createdSessions.inc();
  }

  message(direction: string): void {
    this.messages.get(direction).inc();
  }

  closed(reason: string): void {
    this.closedSessions.get(reason).inc();
  }

  restored(): void {
    this.restoredSessions.inc();
  }

  answered(seconds: number): void {
    this.rpcDuration.observe(seconds);
  }

  failed(outcome: string): void {
    this.rpcFailures.get(outcome).inc();
  }

  published(seconds: number): void {
    this.publishDuration.observe(seconds);
  }

  publishFailed(): void {
    this.publishFailures.inc();
  }

  lag(group: string, partition: number, records: number): void {
    let partitions = this.lags.get(group);
    if (partitions === undefined) this.lags.set(group, (partitions = new Map()));
    partitions.set(partition, records);
  }

  query(seconds: number): void {
    this.queryDuration.observe(seconds);
  }

  queryFailed(): void {
    this.queryFailures.inc();
  }

  /**
   * A gauge read when scraped, e.g. live connections or alive nodes: `read` gives the value of the series `labels`
   * names. Several readers may share a gauge, each with its own labels (the gauge's label names are the first's).
   */
  gauge(name: string, help: string, read: () => number | Promise<number>, labels: Record<string, string> = {}): void {
    let readers = this.gauges.get(name);
    if (readers === undefined) {
      const list: GaugeReader[] = (readers = []);
      this.gauges.set(name, list);
      new Gauge({
        name,
        help,
        labelNames: Object.keys(labels),
        registers: [this.registry],
        async collect() {
          for (const reader of list) this.set(reader.labels, await reader.read());
        },
      });
    }
    readers.push({ labels, read });
  }
}

interface GaugeReader {
  labels: Record<string, string>;
  read: () => number | Promise<number>;
}

const METRICS = new WeakMap<Registry, AppMetrics>();

/** The application metrics of `registry`, made on first use. */
export function appMetrics(registry: Registry): AppMetrics {
  let metrics = METRICS.get(registry);
  if (metrics === undefined) METRICS.set(registry, (metrics = new AppMetrics(registry)));
  return metrics;
}
