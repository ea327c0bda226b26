import { RedisFanOut, RedisMembership } from '@ocs/adapters-redis';
import type { ChatServerConfig } from '@ocs/config';
import type { AppMetrics } from '@ocs/observability';
import type { FanOut, Membership } from '@ocs/ports';
import { hostname } from 'node:os';
import { RemoteEngine } from '@ocs/engine-rpc';

/** How long a node may take to answer one call before the gateway tries another. */
const REQUEST_TIMEOUT_MS = 5000;

/** `[cluster] internal-secret`, which the configuration requires in cluster mode. */
export function internalSecret(config: ChatServerConfig): string {
  const secret = config.cluster.internalSecret;
  if (secret === undefined) throw new Error('[cluster] internal-secret is required in cluster mode');
  return secret;
}

/**
 * A gateway's readiness checks in cluster mode (`/health/ready`), on the membership it routes by:
 * - `redis`: the membership answers (the alive nodes are read from Redis);
 * - `session-engines`: at least one session-engine node is alive in it (draining or not: it still serves its sessions).
 */
export function gatewayReadiness(membership: Pick<Membership, 'alive'>): Record<string, () => Promise<boolean>> {
  return {
    redis: async () => (await membership.alive(), true),
    'session-engines': async () => (await membership.alive()).length > 0,
  };
}

/**
 * A gateway's engine in cluster mode: the nodes found through Redis membership, live views through Redis fan-out,
 * with the gateway's readiness checks on that membership. `shared`: connections the caller already has (a
 * session-engine node reaching its peers); it closes them itself.
 */
export function remoteEngineFromConfig(
  config: ChatServerConfig,
  onError: (error: unknown) => void,
  shared?: { membership: Membership; fanOut: FanOut },
  metrics?: AppMetrics,
): { engine: RemoteEngine; readiness: Record<string, () => Promise<boolean>>; close(): Promise<void> } {
  const { redis, cluster } = config;
  const owned: Array<{ close(): Promise<void> }> = [];
  const own = <T extends { close(): Promise<void> }>(connection: T): T => (owned.push(connection), connection);
  const membership = shared?.membership ?? own(new RedisMembership({ url: redis.url, keyPrefix: redis.keyPrefix }));
  const fanOut = shared?.fanOut ?? own(new RedisFanOut({ url: redis.url, keyPrefix: redis.keyPrefix, onError: (_channel, error) => onError(error) }));
  const engine = new RemoteEngine({
    gatewayId: `${hostname()}-${process.pid}`,
    membership,
    fanOut,
    routeTtlMs: cluster.nodeTtl * 1000 * 12,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    secret: internalSecret(config),
    onError,
    ...(metrics ? { metrics } : {}),
  });
  // Gateways and engines alike: with no engine alive, the gateways still report 0.
  metrics?.gauge(
    'ocs_engine_nodes_alive',
    'Session-engine nodes alive in the membership, as this process sees it',
    async () => (await membership.alive()).length,
  );
  return {
    engine,
    readiness: gatewayReadiness(membership),
    close: async () => {
      await engine.close();
      await Promise.all(owned.map((connection) => connection.close()));
    },
  };
}
