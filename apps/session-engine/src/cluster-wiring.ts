import {
  CassandraHealth,
  CassandraInteractionServer,
  CassandraOwnershipStore,
  CassandraTranscriptStore,
  CassandraUcs,
  cassandraOptionsFromConfig,
  connectCassandra,
} from '@ocs/adapters-cassandra';
import { KafkaEventBus } from '@ocs/adapters-kafka';
import { RedisFanOut, RedisMembership } from '@ocs/adapters-redis';
import type { ChatServerConfig } from '@ocs/config';
import { remoteEngineFromConfig } from '@ocs/engine-rpc';
import type { Logger } from '@ocs/observability';
import { TOPICS } from '@ocs/ports';
import { hostname } from 'node:os';
import type { ClusterWiring, SessionEngineAdapters } from './wiring';

/** Log ids of Cassandra availability changes, as Genesys Chat Server logs them. */
export const CASSANDRA_UNAVAILABLE = 59520;
export const CASSANDRA_AVAILABLE = 59521;

export interface ClusterParts {
  nodeId: string;
  adapters: SessionEngineAdapters;
  wiring: ClusterWiring;
  membership: RedisMembership;
  fanOut: RedisFanOut;
  cassandraHealth: CassandraHealth;
  close(): Promise<void>;
}

/**
 * The session engine's adapters in cluster mode: transcripts, ownership, the shared interaction queue and UCS in
 * Cassandra, the event bus on Kafka, membership and fan-out in Redis. The keyspace must exist (`deploy/cassandra`).
 */
export async function clusterAdapters(config: ChatServerConfig, logger: Logger): Promise<ClusterParts> {
  const nodeId = config.cluster.nodeId || `${hostname()}-${process.pid}`;
  const { kafka, redis } = config;
  const context = await connectCassandra(cassandraOptionsFromConfig(config));
  const cassandraHealth = new CassandraHealth(context.client);
  cassandraHealth.on('unavailable', () => logger.error({ logId: CASSANDRA_UNAVAILABLE }, 'Cassandra is unavailable'));
  cassandraHealth.on('available', () => logger.info({ logId: CASSANDRA_AVAILABLE }, 'Cassandra is available'));
  const bus = await KafkaEventBus.connect({
    brokers: kafka.brokers,
    clientId: `${kafka.clientId}-${nodeId}`,
    partitions: kafka.partitions,
    replicationFactor: kafka.replicationFactor,
    consumer: { sessionTimeout: kafka.sessionTimeout * 1000, heartbeatInterval: Math.floor((kafka.sessionTimeout * 1000) / 3) },
    onError: (group, err) => logger.error({ group, err }, 'event bus consumer failed'),
    logger,
  });
  await bus.ensureTopics([TOPICS.sessionEvents, TOPICS.nodeCommands, TOPICS.interactionEvents]);
  const membership = new RedisMembership({ url: redis.url, keyPrefix: redis.keyPrefix });
  const fanOut = new RedisFanOut({ url: redis.url, keyPrefix: redis.keyPrefix, onError: (err) => logger.error({ err }, 'fan-out handler failed') });
  const ownershipStore = new CassandraOwnershipStore(context);
  const interactions = new CassandraInteractionServer(context, bus, {
    onError: (err, interactionId) => logger.error({ err, interactionId }, 'interaction stop not handled'),
  });
  const peers = remoteEngineFromConfig(config, (err) => logger.error({ err }, 'call to a peer node failed'), { membership, fanOut });
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
      },
      bridgeEngine: peers.engine,
    },
    membership,
    fanOut,
    cassandraHealth,
    close: async () => {
      cassandraHealth.close();
      await Promise.all([peers.close(), interactions.close()]);
      await Promise.all([bus.close(), membership.close(), fanOut.close()]);
      await context.client.shutdown();
    },
  };
}
