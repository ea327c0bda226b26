import { CassandraUcs, connectCassandra } from '@ocs/adapters-cassandra';
import { MemoryUcs } from '@ocs/adapters-memory';
import { ConfigError, maxRequestBytes, type ChatServerConfig } from '@ocs/config';
import { WEBAPI_GATEWAY_SERVICE, WebapiGatewayModule, type AgentRoutingPorts, type AgentToken, type GatewayOptions } from '@ocs/service-webapi-gateway';
import { cassandraOptionsFromConfig } from '../config-to-options';
import { createEngine } from '../engine';
import { remoteEngineFromConfig } from '../remote-engine';
import type { ServiceAssembly } from '../run-service';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { RedisFanOut } from '@ocs/adapters-redis';
import { appMetrics, createMetricsRegistry, type AppMetrics, type Logger } from '@ocs/observability';
import { kafkaBusFromConfig } from '../cluster-adapters';

/**
 * The gateway's options from `[server]`, `[services]`, `[agent-api]`, `[settings]` and `[client-file-transfer]`, on
 * the engine and UCS it is given.
 */
export function webapiGatewayOptions(
  config: ChatServerConfig,
  { agentRouting, ...parts }: Pick<GatewayOptions, 'engine' | 'ucs' | 'release' | 'readiness' | 'registry'> & { agentRouting?: AgentRoutingPorts },
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
    consoleDir: builtConsoleDir(),
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
async function agentRoutingPorts(
  config: ChatServerConfig,
  logger: Logger,
  metrics: AppMetrics,
): Promise<{ ports: AgentRoutingPorts; close: () => Promise<void> }> {
  const bus = await kafkaBusFromConfig(config, logger, `${hostname()}-${process.pid}-gateway`, metrics);
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
  clusterSecrets: ['internal-secret'],
  module: async (config, logger) => {
    if (config.cluster.mode === 'embedded') {
      return WebapiGatewayModule.forRoot(webapiGatewayOptions(config, { engine: createEngine(config, { logger }), ucs: new MemoryUcs() }));
    }
    const registry = createMetricsRegistry();
    const metrics = appMetrics(registry);
    const remote = remoteEngineFromConfig(config, (err) => logger.error({ err }, 'remote engine failed'), undefined, metrics);
    const cassandra = await connectCassandra({ ...cassandraOptionsFromConfig(config), metrics });
    const routing = config.routing.mode === 'builtin' ? await agentRoutingPorts(config, logger, metrics) : undefined;
    return WebapiGatewayModule.forRoot(
      webapiGatewayOptions(config, {
        registry,
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

/**
 * The web console the build put beside the compiled code (`dist/console`): found from this file's folder upwards, in
 * the build output itself or, when running from the sources (tests), in its `dist/`.
 */
export function builtConsoleDir(from: string = __dirname): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    for (const candidate of [join(dir, 'console'), join(dir, 'dist', 'console')]) {
      if (existsSync(join(candidate, 'index.html'))) return candidate;
    }
    if (dirname(dir) === dir) return undefined;
  }
}
