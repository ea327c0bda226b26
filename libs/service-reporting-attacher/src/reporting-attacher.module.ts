import {
  Inject,
  Injectable,
  Module,
  Optional,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { METRICS_REGISTRY, ObservabilityModule, ReadinessChecks, type ReadinessCheck } from '@ocs/observability';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { ReportingAttacher } from './reporting-attacher';

export const REPORTING_ATTACHER_SERVICE = 'reporting-attacher';

/** What the attacher holds in a cluster beside itself. */
export interface AttacherRuntime {
  /** Checks of `/health/ready` (Kafka, Cassandra, Redis reachable), by name. */
  readiness?: Readonly<Record<string, ReadinessCheck>>;
  /** The consumer group's lag per partition of the session-events topic (Kafka). */
  lag?: () => Promise<Array<{ partition: number; lag: number }>>;
  /** Releases the adapters at shutdown, once the attacher stopped. */
  close?: () => Promise<void>;
}

const RUNTIME = Symbol('AttacherRuntime');

/**
 * The attacher's figures on `/metrics`:
 * `ocs_reporting_records_consumed_total{type}`, `ocs_reporting_records_skipped_total{reason}` (malformed, unknown,
 * redelivered, finished), `ocs_reporting_statistics_attached_total{kind}` (final, update),
 * `ocs_reporting_failures_total`, `ocs_reporting_attach_lag_seconds` (from a session's close to its final statistics
 * attached) and, in a cluster, `ocs_reporting_consumer_lag{partition}`.
 */
@Injectable()
class AttacherMetrics implements OnModuleInit {
  constructor(
    private readonly attacher: ReportingAttacher,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Optional() @Inject(RUNTIME) private readonly runtime?: AttacherRuntime,
  ) {}

  onModuleInit(): void {
    const registers = [this.registry];
    const consumed = new Counter({
      name: 'ocs_reporting_records_consumed_total',
      help: 'Session-events records the attacher read, by type',
      labelNames: ['type'],
      registers,
    });
    const skipped = new Counter({
      name: 'ocs_reporting_records_skipped_total',
      help: 'Session-events records the attacher passed over, by reason: malformed, unknown (type), redelivered (already applied), finished (statistics already attached)',
      labelNames: ['reason'],
      registers,
    });
    const attached = new Counter({
      name: 'ocs_reporting_statistics_attached_total',
      help: 'Statistics attached to interactions: final (at closure) or update (intermediate)',
      labelNames: ['kind'],
      registers,
    });
    const failures = new Counter({
      name: 'ocs_reporting_failures_total',
      help: 'Session-events records whose statistics could not be applied after their retries',
      registers,
    });
    const lag = new Histogram({
      name: 'ocs_reporting_attach_lag_seconds',
      help: 'Time from a session closing to its final statistics attached to its interaction',
      buckets: [0.002, 0.005, 0.01, 0.02, 0.035, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30],
      registers,
    });
    this.attacher.observe({
      consumed: (type) => consumed.inc({ type }),
      skipped: (reason) => skipped.inc({ reason }),
      attached: (kind, sinceClosedMs) => {
        attached.inc({ kind });
        if (sinceClosedMs !== undefined) lag.observe(sinceClosedMs / 1000);
      },
      failed: () => failures.inc(),
    });
    const partitionLag = this.runtime?.lag;
    if (partitionLag) {
      new Gauge({
        name: 'ocs_reporting_consumer_lag',
        help: "Session-events records not yet committed by the attacher's consumer group, by partition",
        labelNames: ['partition'],
        registers,
        async collect() {
          this.reset();
          for (const { partition, lag } of await partitionLag()) this.set({ partition: String(partition) }, lag);
        },
      });
    }
  }
}

/** Runs the attacher while the app runs, then releases its adapters. */
@Injectable()
class AttacherLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly attacher: ReportingAttacher,
    @Optional() @Inject(RUNTIME) private readonly runtime?: AttacherRuntime,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.attacher.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.attacher.stop();
    await this.runtime?.close?.();
  }
}

/** The reporting-attacher service: the attacher, its health and metrics. Without an attacher, health and metrics only. */
@Module({})
export class ReportingAttacherModule {
  static forRoot(attacher?: ReportingAttacher, runtime: AttacherRuntime = {}): DynamicModule {
    return {
      module: ReportingAttacherModule,
      imports: [ObservabilityModule.forRoot({ service: REPORTING_ATTACHER_SERVICE })],
      providers: attacher
        ? [
            { provide: ReportingAttacher, useValue: attacher },
            { provide: RUNTIME, useValue: runtime },
            AttacherMetrics,
            AttacherLifecycle,
            ...(runtime.readiness ? [ReadinessChecks.provider(runtime.readiness)] : []),
          ]
        : [],
    };
  }
}
