import { CassandraUcs, connectCassandra } from '@ocs/adapters-cassandra';
import { MemoryUcs } from '@ocs/adapters-memory';
import { ConfigError, maxRequestBytes, type ChatServerConfig } from '@ocs/config';
import { WEBAPI_GATEWAY_SERVICE, WebapiGatewayModule, type AgentRoutingPorts, type AgentToken, type GatewayOptions } from '@ocs/service-webapi-gateway';
import { cassandraOptionsFromConfig } from '../config-to-options';
import { createEngine } from '../engine';
import { remoteEngineFromConfig } from '../remote-engine';
import type { ServiceAssembly } from '../run-service';
import { kafkaBusFromConfig } from '../cluster-adapters';
import { RedisFanOut } from '@ocs/adapters-redis';
import type { Logger } from '@ocs/observability';
import { hostname } from 'node:os';

/**
 * The gateway's options from `[server]`, `[services]`, `[agent-api]`, `[settings]` and `[client-file-transfer]`, on
 * the engine and UCS it is given.
 */
export function webapiGatewayOptions(
  config: ChatServerConfig,
  { agentRouting, ...parts }: Pick<GatewayOptions, 'engine' | 'ucs' | 'release' | 'readiness'> & { agentRouting?: AgentRoutingPorts },
): GatewayOptions {
  const { server } = config;
  return {
    alias: server.alias,
    services: config.services,
    corsOrigins: server.corsOrigins,
    authBackoff: { limit: server.authFailureLimit, intervalMs: server.authFailureInterval * 1000, backoffMs: server.authFailureBackoff * 1000 },
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
      tokens: agentTokens(config),
      wsPath: server.agentWsPath,
      heartbeatMs: server.agentWsHeartbeat * 1000,
      registerTimeoutMs: config.settings.userRegisterTimeout * 1000,
      nicknameMaxLength: config.settings.nicknameMaxLength,
      ...(agentRouting ? { routing: agentRouting } : {}),
    },
    ...parts,
  };
}

/**
 * `[agent-api] tokens` with their scope: a token's queues become the entry points (`<tenant dbid>:<endpoint>`) of
 * its tenants whose `[endpoints:<tenant>]` queue is one of them. A queue no endpoint uses is a typo: refused.
 */
export function agentTokens(config: ChatServerConfig): AgentToken[] {
  const endpoints = Object.entries(config.endpoints).flatMap(([tenant, map]) =>
    Object.entries(map).map(([endpoint, queue]) => ({ tenantDbid: Number(tenant), entryPoint: `${tenant}:${endpoint}`, queue })),
  );
  return config.agentApi.tokens.map(({ tenants, queues, ...token }, i) => {
    const unknown = queues?.find((queue) => !endpoints.some((e) => e.queue === queue));
    if (unknown !== undefined) {
      throw new ConfigError([`invalid option [agent-api] tokens[${i}].queues: no [endpoints:<tenant>] entry has the queue ${JSON.stringify(unknown)}`]);
    }
    const reached = endpoints.filter((e) => (!tenants || tenants.includes(e.tenantDbid)) && queues?.includes(e.queue));
    const scope = { ...(tenants ? { tenants } : {}), ...(queues ? { entryPoints: reached.map((e) => e.entryPoint) } : {}) };
    return { ...token, ...(tenants || queues ? { scope } : {}) };
  });
}

/** Where a cluster gateway's agents reach the built-in routing: commands on Kafka, routing's messages through Redis. */
async function agentRoutingPorts(config: ChatServerConfig, logger: Logger): Promise<{ ports: AgentRoutingPorts; close: () => Promise<void> }> {
  const bus = await kafkaBusFromConfig(config, logger, `${hostname()}-${process.pid}-gateway`);
  const fanOut = new RedisFanOut({
    url: config.redis.url,
    keyPrefix: config.redis.keyPrefix,
    onError: (err) => logger.error({ err }, 'fan-out handler failed'),
  });
  return {
    ports: { bus, fanOut, now: () => Date.now() },
    close: async () => {
      await Promise.all([bus.close(), fanOut.close()]);
    },
  };
}

/**
 * A webapi-gateway process. Embedded: its own engine and UCS in memory. Cluster: the session engines through Redis,
 * the documents of file transfer in the UCS every gateway shares (Cassandra).
 */
export const webapiGateway: ServiceAssembly = {
  name: WEBAPI_GATEWAY_SERVICE,
  surface: 'webapi',
  module: async (config, logger) => {
    if (config.cluster.mode === 'embedded') {
      return WebapiGatewayModule.forRoot(webapiGatewayOptions(config, { engine: createEngine(config, { logger }), ucs: new MemoryUcs() }));
    }
    const remote = remoteEngineFromConfig(config, (err) => logger.error({ err }, 'remote engine failed'));
    const cassandra = await connectCassandra(cassandraOptionsFromConfig(config));
    const routing = config.routing.mode === 'builtin' ? await agentRoutingPorts(config, logger) : undefined;
    return WebapiGatewayModule.forRoot(
      webapiGatewayOptions(config, {
        engine: remote.engine,
        ucs: new CassandraUcs(cassandra),
        readiness: remote.readiness,
        ...(routing ? { agentRouting: routing.ports } : {}),
        release: async () => {
          await remote.close();
          await routing?.close();
          await cassandra.client.shutdown();
        },
      }),
    );
  },
};
