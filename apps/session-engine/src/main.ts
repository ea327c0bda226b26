import { followNodeCommands } from '@ocs/chat-engine';
import { EngineRpcServer } from '@ocs/engine-rpc';
import { runService } from '@ocs/observability';
import { clusterAdapters } from './cluster-wiring';
import { engineRpcUrl } from './membership-heartbeat';
import { SESSION_ENGINE_SERVICE, SessionEngineModule } from './session-engine.module';
import { memoryAdapters, wireSessionEngine } from './wiring';

void runService(
  async (config, logger) => {
    if (config.cluster.mode === 'embedded') {
      const { engine, bridge } = wireSessionEngine(config, logger, memoryAdapters());
      return SessionEngineModule.forRoot(engine, bridge);
    }
    const cluster = await clusterAdapters(config, logger);
    const { engine, bridge } = wireSessionEngine(config, logger, cluster.adapters, cluster.wiring);
    const commands = await followNodeCommands(engine, cluster.adapters.bus, cluster.nodeId, (problem, key) =>
      logger.error({ key, problem }, 'malformed node command skipped'),
    );
    const { server } = config;
    return SessionEngineModule.forRoot(engine, bridge, {
      heartbeat: {
        membership: cluster.membership,
        nodeId: cluster.nodeId,
        url: engineRpcUrl(server),
        intervalMs: config.cluster.heartbeatInterval * 1000,
        ttlMs: config.cluster.nodeTtl * 1000,
      },
      storage: cluster.cassandraHealth,
      readiness: cluster.readiness,
      rpc: new EngineRpcServer({ engine, fanOut: cluster.fanOut, onError: (err) => logger.error({ err }, 'engine RPC failed') }),
      close: async () => {
        await commands.close();
        await cluster.close();
      },
    });
  },
  { service: SESSION_ENGINE_SERVICE, port: (server) => server.enginePort },
);
