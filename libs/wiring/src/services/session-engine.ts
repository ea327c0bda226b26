import { followNodeCommands } from '@ocs/chat-engine';
import { EngineRpcServer } from '@ocs/engine-rpc';
import { SESSION_ENGINE_SERVICE, SessionEngineModule } from '@ocs/service-session-engine';
import { appMetrics, createMetricsRegistry } from '@ocs/observability';
import { clusterAdapters } from '../cluster-adapters';
import { internalSecret } from '../remote-engine';
import type { ChatServerConfig } from '@ocs/config';
import { httpUrl, listenAddress, type ServiceAssembly } from '../run-service';
import { healthPortUrl, nodeHealth } from '../node-health';
import { memoryAdapters, wireSessionEngine } from '../session-engine-parts';
import { routedInteractions } from './routing';

/** Where this node tells gateways to reach its engine: `[server] engine-host` (else `host`; an IPv6 address in brackets) and `engine-port`. */
export function engineRpcUrl(server: ChatServerConfig['server']): string {
  return `${httpUrl(listenAddress(server, 'engine'))}/engine/rpc`;
}

/**
 * A session-engine process. Embedded: the engine and its bridge on adapters in memory. Cluster: on Cassandra, Kafka
 * and Redis, following its node commands, announcing itself in the membership and serving the engine RPC.
 */
export const sessionEngine: ServiceAssembly = {
  name: SESSION_ENGINE_SERVICE,
  surface: 'engine',
  clusterSecrets: ['internal-secret'],
  module: async (config, logger) => {
    const registry = createMetricsRegistry();
    const metrics = appMetrics(registry);
    if (config.cluster.mode === 'embedded') {
      const { engine, tasks, counters } = wireSessionEngine(config, logger, memoryAdapters(), undefined, { metrics });
      return SessionEngineModule.forRoot(engine, tasks, undefined, { ...nodeHealth(config, counters, config.server.alias), registry });
    }
    const cluster = await clusterAdapters(config, logger, metrics);
    const { bus, interactions } = cluster.adapters;
    const adapters = { ...cluster.adapters, interactions: routedInteractions(config, bus, interactions) };
    const { engine, tasks, counters } = wireSessionEngine(config, logger, adapters, cluster.wiring, { metrics });
    const commands = await followNodeCommands(engine, cluster.adapters.bus, cluster.nodeId, (problem, key) =>
      logger.error({ key, problem }, 'malformed node command skipped'),
    );
    const { server } = config;
    return SessionEngineModule.forRoot(
      engine,
      tasks,
      {
        heartbeat: {
          membership: cluster.membership,
          nodeId: cluster.nodeId,
          url: engineRpcUrl(server),
          healthUrl: healthPortUrl(server),
          intervalMs: config.cluster.heartbeatInterval * 1000,
          ttlMs: config.cluster.nodeTtl * 1000,
        },
        storage: cluster.cassandraHealth,
        readiness: cluster.readiness,
        secret: internalSecret(config),
        rpc: new EngineRpcServer({ engine, fanOut: cluster.fanOut, onError: (err) => logger.error({ err }, 'engine RPC failed') }),
        close: async () => {
          await commands.close();
          await cluster.close();
        },
      },
      { ...nodeHealth(config, counters, cluster.nodeId), registry },
    );
  },
};
