import {
  CassandraHealth,
  CassandraInteractionServer,
  CassandraOwnershipStore,
  CassandraPartyKeys,
  CassandraRoutingStore,
  CassandraTranscriptStore,
  CassandraUcs,
  connectCassandra,
} from '@ocs/adapters-cassandra';
import { KafkaEventBus } from '@ocs/adapters-kafka';
import { RedisFanOut, RedisMembership } from '@ocs/adapters-redis';
import type { ChatServerConfig } from '@ocs/config';
import type { AppMetrics, Logger, ReadinessCheck } from '@ocs/observability';
import type { RoutingStore } from '@ocs/ports';
import { hostname } from 'node:os';
import { cassandraOptionsFromConfig } from './config-to-options';
import { remoteEngineFromConfig } from './remote-engine';
import type { ClusterWiring, SessionEngineAdapters } from './session-engine-parts';
import { TOPICS } from '@ocs/contracts';

/** Log ids of Cassandra availability changes, as Genesys Chat Server logs them. */
export const CASSANDRA_UNAVAILABLE = 59520;
export const CASSANDRA_AVAILABLE = 59521;

export interface ClusterParts {
  nodeId: string;
  adapters: SessionEngineAdapters;
  wiring: ClusterWiring;
  membership: RedisMembership;
  fanOut: RedisFanOut;
  /** The built-in routing's state, saved on the revision read (lightweight transactions). */
  routingStore: RoutingStore;
  cassandraHealth: CassandraHealth;
  /** What `/health/ready` checks on this node: `cassandra`, `kafka`, `redis` (see `clusterReadiness`). */
  readiness: Record<string, ReadinessCheck>;
  close(): Promise<void>;
}

/**
 * The session engine's readiness checks in cluster mode, each one cheap round trip on a connection the node already
 * has (`ReadinessChecks` bounds each in time):
 * - `cassandra`: a query answers (`SELECT release_version FROM system.local`);
 * - `kafka`: a broker answers a metadata request;
 * - `redis`: the membership answers (the alive nodes are read).
 */
export function clusterReadiness(dependencies: {
  cassandra: { execute(query: string, params?: unknown[], options?: { isIdempotent?: boolean }): Promise<unknown> };
  bus: { reachable(): Promise<void> };
  membership: { alive(): Promise<unknown[]> };
}): Record<string, ReadinessCheck> {
  return {
    cassandra: async () => (await dependencies.cassandra.execute('SELECT release_version FROM system.local', [], { isIdempotent: true }), true),
    kafka: async () => (await dependencies.bus.reachable(), true),
    redis: async () => (await dependencies.membership.alive(), true),
  };
}

/** The event bus on Kafka (`[kafka]`), its topics created if missing; `member` names this process in the client id. */
export async function kafkaBusFromConfig(config: ChatServerConfig, logger: Logger, member: string, metrics?: AppMetrics): Promise<KafkaEventBus> {
  const { kafka } = config;
  const bus = await KafkaEventBus.connect({
    brokers: kafka.brokers,
    clientId: `${kafka.clientId}-${member}`,
    partitions: kafka.partitions,
    replicationFactor: kafka.replicationFactor,
    namePrefix: kafka.namePrefix,
    consumer: { sessionTimeout: kafka.sessionTimeout * 1000, heartbeatInterval: Math.floor((kafka.sessionTimeout * 1000) / 3) },
    onError: (group, err) => logger.error({ group, err }, 'event bus consumer failed'),
    logger,
    ...(metrics ? { metrics } : {}),
  });
  try {
    await bus.ensureTopics([TOPICS.sessionEvents, TOPICS.nodeCommands, TOPICS.interactionEvents, TOPICS.routingCommands]);
  } catch (error) {
    await bus.close();
    throw error;
  }
  return bus;
}

/**
 * The session engine's adapters in cluster mode: transcripts, ownership, the parties' keys, the shared interaction
 * queue and UCS in Cassandra, the event bus on Kafka, membership and fan-out in Redis. The keyspace must exist (`deploy/cassandra`).
 */
export async function clusterAdapters(config: ChatServerConfig, logger: Logger, metrics?: AppMetrics): Promise<ClusterParts> {
  const nodeId = config.cluster.nodeId || `${hostname()}-${process.pid}`;
  const { redis } = config;
  const context = await connectCassandra({ ...cassandraOptionsFromConfig(config), ...(metrics ? { metrics } : {}) });
  const cassandraHealth = new CassandraHealth(context.client);
  cassandraHealth.on('unavailable', () => logger.error({ logId: CASSANDRA_UNAVAILABLE }, 'Cassandra is unavailable'));
  cassandraHealth.on('available', () => logger.info({ logId: CASSANDRA_AVAILABLE }, 'Cassandra is available'));
  const bus = await kafkaBusFromConfig(config, logger, nodeId, metrics);
  const membership = new RedisMembership({ url: redis.url, keyPrefix: redis.keyPrefix });
  const fanOut = new RedisFanOut({ url: redis.url, keyPrefix: redis.keyPrefix, onError: (err) => logger.error({ err }, 'fan-out handler failed') });
  const ownershipStore = new CassandraOwnershipStore(context);
  const interactions = new CassandraInteractionServer(context, bus, {
    onError: (err, interactionId) => logger.error({ err, interactionId }, 'interaction stop not handled'),
  });
  const peers = remoteEngineFromConfig(config, (err) => logger.error({ err }, 'call to a peer node failed'), { membership, fanOut }, metrics);
  return {
    nodeId,
    adapters: {
      store: new CassandraTranscriptStore(context, nodeId),
      bus,
      interactions,
      ucs: new CassandraUcs(context),
    },
    wiring: {
      ownership: {
        nodeId,
        store: ownershipStore,
        isAlive: async (id) => (await membership.alive()).some((node) => node.nodeId === id),
        purgePrevious: config.settings.sessionRestoreDoPurge,
        extendBy: config.settings.sessionRestoreExtendBy,
      },
      partyKeys: new CassandraPartyKeys(context),
      bridgeEngine: peers.engine,
    },
    membership,
    fanOut,
    routingStore: new CassandraRoutingStore(context),
    cassandraHealth,
    readiness: clusterReadiness({ cassandra: context.client, bus, membership }),
    close: async () => {
      cassandraHealth.close();
      await Promise.all([peers.close(), interactions.close()]);
      await Promise.all([bus.close(), membership.close(), fanOut.close()]);
      await context.client.shutdown();
    },
  };
}
