import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { METRICS_REGISTRY, ObservabilityModule, ReadinessChecks, type ReadinessCheck } from '@ocs/observability';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { PushNotifier } from './push-notifier';

export const PUSH_NOTIFIER_SERVICE = 'push-notifier';

export interface PushNotifierRuntime {
  /** Absent: delivery is off (`[push] pushEnabled` does not list `customhttp`); the service serves health and metrics. */
  notifier?: PushNotifier;
  /** Checks of `/health/ready` (the bus reachable), by name. */
  readiness?: Readonly<Record<string, ReadinessCheck>>;
  /** Releases what the service was wired with (the bus), after the notifier stopped. */
  close?(): Promise<void>;
}

const RUNTIME = Symbol('PushNotifierRuntime');

/** The notifier's figures on `/metrics` (`ocs_push_*`). */
@Injectable()
class PushMetrics implements OnModuleInit {
  constructor(
    @Inject(RUNTIME) private readonly runtime: PushNotifierRuntime,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  onModuleInit(): void {
    const notifier = this.runtime.notifier;
    if (!notifier) return;
    const registers = [this.registry];
    const sent = new Counter({ name: 'ocs_push_notifications_sent_total', help: 'Push notifications the receiver accepted (2xx)', registers });
    const failed = new Counter({
      name: 'ocs_push_notifications_failed_total',
      help: 'Push notifications given up: refused by the receiver (4xx but 408 and 429), or still failing after the last retry',
      labelNames: ['reason'],
      registers,
    });
    const retried = new Counter({ name: 'ocs_push_notifications_retried_total', help: 'Push notification requests tried again', registers });
    const skipped = new Counter({
      name: 'ocs_push_records_skipped_total',
      help: 'Push records not delivered: malformed, for a device type other than customhttp, or older than [push] max-age',
      labelNames: ['reason'],
      registers,
    });
    const latency = new Histogram({
      name: 'ocs_push_delivery_latency_seconds',
      help: 'From the engine deciding a push notification to the receiver accepting it',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    new Gauge({
      name: 'ocs_push_queue_depth',
      help: 'Push notifications taken in and not yet delivered or given up',
      registers,
      collect() {
        this.set(notifier.depth);
      },
    });
    notifier.observe({
      sent: (latencyMs) => {
        sent.inc();
        latency.observe(Math.max(0, latencyMs) / 1000);
      },
      failed: (reason) => failed.inc({ reason }),
      retried: () => retried.inc(),
      skipped: (reason) => skipped.inc({ reason }),
    });
  }
}

/** Runs the notifier while the app runs. */
@Injectable()
class PushLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(RUNTIME) private readonly runtime: PushNotifierRuntime) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.runtime.notifier?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.notifier?.stop();
    await this.runtime.close?.();
  }
}

/** The push-notifier service: push notifications delivered to the custom-http receiver, health and metrics. */
@Module({})
export class PushNotifierModule {
  static forRoot(runtime: PushNotifierRuntime = {}): DynamicModule {
    return {
      module: PushNotifierModule,
      imports: [ObservabilityModule.forRoot({ service: PUSH_NOTIFIER_SERVICE })],
      providers: [
        { provide: RUNTIME, useValue: runtime },
        PushMetrics,
        PushLifecycle,
        ...(runtime.readiness ? [ReadinessChecks.provider(runtime.readiness)] : []),
      ],
    };
  }
}
