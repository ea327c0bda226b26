import {
  Inject,
  Injectable,
  Module,
  Optional,
  RequestMethod,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { EngineRpcServer, rpcRequestListener } from '@ocs/engine-rpc';
import { ChatEngine } from '@ocs/chat-engine';
import { METRICS_REGISTRY, ObservabilityModule, ReadinessChecks, requireBearerSecret, type ClassifiedRequest, type ReadinessCheck } from '@ocs/observability';
import { Counter, Gauge, type Registry } from 'prom-client';
import { EngineTimer } from './engine-timer';
import { HeldSessionsController } from './held-sessions.controller';
import { DrainController, HEARTBEAT_OPTIONS, MembershipHeartbeat, type HeartbeatOptions } from './membership-heartbeat';

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

export interface ClusterRuntime {
  heartbeat: HeartbeatOptions;
  storage: { isAvailable(): boolean };
  /** Checks of `/health/ready` (Cassandra, Kafka, Redis reachable), by name. */
  readiness?: Readonly<Record<string, ReadinessCheck>>;
  /** Serves the engine to the gateways at `POST /engine/rpc`. */
  rpc: EngineRpcServer;
  /** `[cluster] internal-secret`: what callers of the engine RPC and of the drain endpoints present. */
  secret: string;
  /** Releases the cluster adapters at shutdown. */
  close(): Promise<void>;
}

const CLUSTER_RUNTIME = Symbol('ClusterRuntime');

const RPC_PATH = '/engine/rpc';
/** The engine RPC requests this node serves, as the request metrics count them (by method: `ocs_engine_rpc_calls_total`). */
const RPC_REQUEST: ClassifiedRequest = { api: 'engine-rpc', operation: 'call' };

/**
 * `ocs_cassandra_available`: 1 while Cassandra can be reached (Genesys log ids 59520 / 59521 mark the changes);
 * `ocs_engine_rpc_calls_total{method}`: the engine RPC calls this node took.
 */
@Injectable()
class StorageMetrics implements OnModuleInit {
  constructor(
    @Inject(CLUSTER_RUNTIME) private readonly cluster: ClusterRuntime,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  onModuleInit(): void {
    const { storage, rpc } = this.cluster;
    new Gauge({
      name: 'ocs_cassandra_available',
      help: '1 while Cassandra is available to this node, 0 while it is not',
      registers: [this.registry],
      collect() {
        this.set(storage.isAvailable() ? 1 : 0);
      },
    });
    new Counter({
      name: 'ocs_engine_rpc_calls_total',
      help: 'Engine RPC calls this node took from gateways and peers (POST /engine/rpc), by method',
      labelNames: ['method'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [method, calls] of rpc.callsServed()) this.inc({ method }, calls);
      },
    });
  }
}

/** Releases the cluster adapters when the app stops. */
@Injectable()
class ClusterLifecycle implements OnApplicationShutdown {
  constructor(@Inject(CLUSTER_RUNTIME) private readonly cluster: ClusterRuntime) {}

  async onApplicationShutdown(): Promise<void> {
    await this.cluster.close();
  }
}

/** What runs beside the engine while the service runs (the interaction bridge, the PII rule book). */
export interface BackgroundTask {
  start(): Promise<void>;
  stop(): Promise<void>;
}

const BACKGROUND_TASKS = Symbol('BACKGROUND_TASKS');

/** Starts the background tasks when the app has started, in order, and stops them when it shuts down. */
@Injectable()
class BackgroundTasks implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(BACKGROUND_TASKS) private readonly tasks: readonly BackgroundTask[]) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const task of this.tasks) await task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const task of [...this.tasks].reverse()) await task.stop();
  }
}

/**
 * The session-engine service: the engine that owns live sessions, its timer loop, the bridge to Interaction
 * Server and UCS, health and metrics.
 */
@Module({})
export class SessionEngineModule implements NestModule {
  constructor(@Optional() @Inject(CLUSTER_RUNTIME) private readonly cluster?: ClusterRuntime) {}

  configure(consumer: MiddlewareConsumer): void {
    if (!this.cluster) return;
    const secret = requireBearerSecret(this.cluster.secret, '[cluster] internal-secret');
    consumer.apply(secret, rpcRequestListener(this.cluster.rpc)).forRoutes({ path: 'engine/rpc', method: RequestMethod.POST });
    consumer.apply(secret).forRoutes(DrainController, HeldSessionsController);
  }

  /**
   * `cluster`: the node announces itself in the membership, reports Cassandra's availability and is ready while its
   * `readiness` checks pass.
   */
  static forRoot(engine: ChatEngine, tasks: readonly BackgroundTask[], cluster?: ClusterRuntime, registry?: Registry): DynamicModule {
    return {
      module: SessionEngineModule,
      imports: [
        ObservabilityModule.forRoot({ service: SESSION_ENGINE_SERVICE, registry, classify: (req) => (req.path === RPC_PATH ? RPC_REQUEST : undefined) }),
      ],
      controllers: cluster ? [DrainController, HeldSessionsController] : [],
      providers: [
        { provide: ChatEngine, useValue: engine },
        { provide: BACKGROUND_TASKS, useValue: tasks },
        EngineTimer,
        EngineMetrics,
        BackgroundTasks,
        ...(cluster
          ? [
              { provide: HEARTBEAT_OPTIONS, useValue: cluster.heartbeat },
              MembershipHeartbeat,
              { provide: CLUSTER_RUNTIME, useValue: cluster },
              StorageMetrics,
              ClusterLifecycle,
              ...(cluster.readiness ? [ReadinessChecks.provider(cluster.readiness)] : []),
            ]
          : []),
      ],
    };
  }
}
