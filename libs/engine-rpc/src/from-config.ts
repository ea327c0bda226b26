import { RedisFanOut, RedisMembership } from '@ocs/adapters-redis';
import { createEngine, type ChatEngineApi } from '@ocs/chat-engine';
import type { ChatServerConfig } from '@ocs/config';
import type { FanOut, Membership } from '@ocs/ports';
import { hostname } from 'node:os';
import { RemoteEngine } from './remote-engine';

/** How long a node may take to answer one call before the gateway tries another. */
const REQUEST_TIMEOUT_MS = 5000;

/**
 * A gateway's engine in cluster mode: the nodes found through Redis membership, live views through Redis fan-out.
 * `shared`: connections the caller already has (a session-engine node reaching its peers); it closes them itself.
 */
export function remoteEngineFromConfig(
  config: ChatServerConfig,
  onError: (error: unknown) => void,
  shared?: { membership: Membership; fanOut: FanOut },
): { engine: RemoteEngine; close(): Promise<void> } {
  const { redis, cluster } = config;
  const owned: Array<{ close(): Promise<void> }> = [];
  const own = <T extends { close(): Promise<void> }>(connection: T): T => (owned.push(connection), connection);
  const membership = shared?.membership ?? own(new RedisMembership({ url: redis.url, keyPrefix: redis.keyPrefix }));
  const fanOut = shared?.fanOut ?? own(new RedisFanOut({ url: redis.url, keyPrefix: redis.keyPrefix, onError }));
  const engine = new RemoteEngine({
    gatewayId: `${hostname()}-${process.pid}`,
    membership,
    fanOut,
    routeTtlMs: cluster.nodeTtl * 1000 * 12,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    onError,
  });
  return {
    engine,
    close: async () => {
      await engine.close();
      await Promise.all(owned.map((connection) => connection.close()));
    },
  };
}

/** The engine a gateway talks to: the cluster's nodes in cluster mode, else an engine of its own in process. */
export function gatewayEngine(config: ChatServerConfig, logger: { error(fields: object, message: string): void }): ChatEngineApi {
  if (config.cluster.mode === 'embedded') return createEngine(config, { logger });
  return remoteEngineFromConfig(config, (err) => logger.error({ err }, 'remote engine failed')).engine;
}
