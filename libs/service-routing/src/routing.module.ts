import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { METRICS_REGISTRY } from '@ocs/observability';
import type { RoutingEvent } from '@ocs/routing';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { RoutingRuntime } from './routing-runtime';

/** Where the runtime's steps are told to the metrics (the wiring passes `observe` of this sink to the runtime). */
export class RoutingMetricsSink {
  private listener: ((tenant: number, events: readonly RoutingEvent[], depths: Readonly<Record<string, number>>) => void) | undefined;
  readonly observe = (tenant: number, events: readonly RoutingEvent[], depths: Readonly<Record<string, number>>): void =>
    this.listener?.(tenant, events, depths);
  listen(listener: NonNullable<RoutingMetricsSink['listener']>): void {
    this.listener = listener;
  }
}

export interface RoutingServiceRuntime {
  runtime: RoutingRuntime;
  metrics: RoutingMetricsSink;
  /** Releases what the runtime was wired with, after it stopped. */
  close?(): Promise<void>;
}

const RUNTIME = Symbol('RoutingServiceRuntime');
const OUTCOMES: Partial<Record<RoutingEvent['type'], string>> = { offered: 'offered', accepted: 'accepted', declined: 'declined', redirected: 'redirected' };

/** Routing's figures on `/metrics` (`ocs_routing_*`): queue depth, offers by outcome, wait until accepted, abandons in queue. */
@Injectable()
class RoutingMetrics implements OnModuleInit {
  constructor(
    @Inject(RUNTIME) private readonly service: RoutingServiceRuntime,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  onModuleInit(): void {
    const registers = [this.registry];
    const depth = new Gauge({ name: 'ocs_routing_queue_depth', help: 'Chats waiting in a routing queue', labelNames: ['tenant', 'queue'], registers });
    const offers = new Counter({
      name: 'ocs_routing_offers_total',
      help: 'Offers made and how they ended: offered, accepted, declined, redirected (no answer, agent not ready or gone)',
      labelNames: ['tenant', 'queue', 'outcome'],
      registers,
    });
    const abandoned = new Counter({
      name: 'ocs_routing_abandoned_total',
      help: 'Chats that left routing before an agent accepted them',
      labelNames: ['tenant', 'queue'],
      registers,
    });
    const wait = new Histogram({
      name: 'ocs_routing_wait_seconds',
      help: 'From a chat entering routing to an agent accepting it',
      labelNames: ['tenant', 'queue'],
      buckets: [1, 5, 10, 20, 30, 60, 120, 300, 600, 1800],
      registers,
    });
    this.service.metrics.listen((tenant, events, depths) => {
      for (const [queue, waiting] of Object.entries(depths)) depth.set({ tenant, queue }, waiting);
      for (const e of events) {
        const outcome = OUTCOMES[e.type];
        if (outcome && 'queue' in e) offers.inc({ tenant, queue: e.queue, outcome: e.type === 'redirected' ? `redirected-${e.reason}` : outcome });
        if (e.type === 'accepted') wait.observe({ tenant, queue: e.queue }, e.waitMs / 1000);
        if (e.type === 'abandoned') abandoned.inc({ tenant, queue: e.queue });
      }
    });
  }
}

@Injectable()
class RoutingLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(RUNTIME) private readonly service: RoutingServiceRuntime) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.service.runtime.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.service.runtime.stop();
    await this.service.close?.();
  }
}

/**
 * The built-in routing inside a service's app (the esp-gateway's): the runtime runs while the app runs and its
 * figures are on the app's `/metrics`. It serves no HTTP of its own: agents reach it over their WebSocket, the chat
 * server through the bus.
 */
@Module({})
export class RoutingModule {
  static forRoot(service: RoutingServiceRuntime): DynamicModule {
    return { module: RoutingModule, providers: [{ provide: RUNTIME, useValue: service }, RoutingMetrics, RoutingLifecycle] };
  }
}
