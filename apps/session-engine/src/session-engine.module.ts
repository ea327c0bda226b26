import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ChatEngine } from '@ocs/chat-engine';
import { InteractionBridge } from '@ocs/interaction-bridge';
import { METRICS_REGISTRY, ObservabilityModule } from '@ocs/observability';
import { Gauge, type Registry } from 'prom-client';
import { EngineTimer } from './engine-timer';
import { HEARTBEAT_OPTIONS, MembershipHeartbeat, type HeartbeatOptions } from './membership-heartbeat';

export const SESSION_ENGINE_SERVICE = 'session-engine';

/** Exposes the engine's own figures on `/metrics`. */
@Injectable()
class EngineMetrics implements OnModuleInit {
  constructor(
    private readonly engine: ChatEngine,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  onModuleInit(): void {
    const engine = this.engine;
    new Gauge({
      name: 'ocs_sessions_held',
      help: 'Chat sessions this node holds (live, and closed ones within their grace period)',
      registers: [this.registry],
      collect() {
        this.set(engine.sessionCount);
      },
    });
  }
}

/** Runs the interaction bridge while the app runs. */
@Injectable()
class BridgeLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(private readonly bridge: InteractionBridge) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bridge.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bridge.stop();
  }
}

/**
 * The session-engine service: the engine that owns live sessions, its timer loop, the bridge to Interaction
 * Server and UCS, health and metrics.
 */
@Module({})
export class SessionEngineModule {
  /** `heartbeat`: in cluster mode the node announces itself in the membership. */
  static forRoot(engine: ChatEngine, bridge: InteractionBridge, heartbeat?: HeartbeatOptions): DynamicModule {
    return {
      module: SessionEngineModule,
      imports: [ObservabilityModule.forRoot({ service: SESSION_ENGINE_SERVICE })],
      providers: [
        { provide: ChatEngine, useValue: engine },
        { provide: InteractionBridge, useValue: bridge },
        EngineTimer,
        EngineMetrics,
        BridgeLifecycle,
        ...(heartbeat ? [{ provide: HEARTBEAT_OPTIONS, useValue: heartbeat }, MembershipHeartbeat] : []),
      ],
    };
  }
}
