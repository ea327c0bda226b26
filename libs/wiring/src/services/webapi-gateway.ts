import { CassandraUcs, connectCassandra } from '@ocs/adapters-cassandra';
import { MemoryUcs } from '@ocs/adapters-memory';
import { maxRequestBytes, type ChatServerConfig } from '@ocs/config';
import { WEBAPI_GATEWAY_SERVICE, WebapiGatewayModule, type GatewayOptions } from '@ocs/service-webapi-gateway';
import { cassandraOptionsFromConfig } from '../config-to-options';
import { createEngine } from '../engine';
import { remoteEngineFromConfig } from '../remote-engine';
import type { ServiceAssembly } from '../run-service';

/**
 * The gateway's options from `[server]`, `[services]`, `[agent-api]`, `[settings]` and `[client-file-transfer]`, on
 * the engine and UCS it is given.
 */
export function webapiGatewayOptions(config: ChatServerConfig, parts: Pick<GatewayOptions, 'engine' | 'ucs' | 'release' | 'readiness'>): GatewayOptions {
  const { server } = config;
  return {
    alias: server.alias,
    services: config.services,
    corsOrigins: server.corsOrigins,
    maxRequestBytes: maxRequestBytes(config),
    maxRequestFields: config.settings.requestMaxFields,
    replyLimits: { maxEvents: config.settings.refreshMaxEvents, maxTextBytes: config.settings.refreshMaxTextSize },
    cometd: {
      path: server.cometdPath,
      timeoutSeconds: server.cometdTimeout,
      maxBatch: server.cometdMaxBatch,
      handshakeLimit: server.cometdHandshakeLimit,
      handshakeIntervalSeconds: server.cometdHandshakeInterval,
      jsonp: server.cometdJsonp,
    },
    uploadMaxFileBytes: config.clientFileTransfer.uploadMaxFileSize,
    agent: {
      tokens: config.agentApi.tokens,
      wsPath: server.agentWsPath,
      heartbeatMs: server.agentWsHeartbeat * 1000,
      registerTimeoutMs: config.settings.userRegisterTimeout * 1000,
      nicknameMaxLength: config.settings.nicknameMaxLength,
    },
    ...parts,
  };
}

/**
 * A webapi-gateway process. Embedded: its own engine and UCS in memory. Cluster: the session engines through Redis,
 * the documents of file transfer in the UCS every gateway shares (Cassandra).
 */
export const webapiGateway: ServiceAssembly = {
  name: WEBAPI_GATEWAY_SERVICE,
  port: (server) => server.webapiPort,
  module: async (config, logger) => {
    if (config.cluster.mode === 'embedded') {
      return WebapiGatewayModule.forRoot(webapiGatewayOptions(config, { engine: createEngine(config, { logger }), ucs: new MemoryUcs() }));
    }
    const remote = remoteEngineFromConfig(config, (err) => logger.error({ err }, 'remote engine failed'));
    const cassandra = await connectCassandra(cassandraOptionsFromConfig(config));
    return WebapiGatewayModule.forRoot(
      webapiGatewayOptions(config, {
        engine: remote.engine,
        ucs: new CassandraUcs(cassandra),
        readiness: remote.readiness,
        release: async () => {
          await remote.close();
          await cassandra.client.shutdown();
        },
      }),
    );
  },
};
