import { CassandraInteractionServer, CassandraTranscriptStore, connectCassandra } from '@ocs/adapters-cassandra';
import { MemoryStatisticsCheckpoints } from '@ocs/adapters-memory';
import { RedisStatisticsCheckpoints } from '@ocs/adapters-redis';
import { TOPICS } from '@ocs/contracts';
import type { ChatServerConfig } from '@ocs/config';
import type { Logger } from '@ocs/observability';
import type { EventBus, InteractionServer, StatisticsCheckpoints, TranscriptStore } from '@ocs/ports';
import { ATTACHER_GROUP, REPORTING_ATTACHER_SERVICE, ReportingAttacher, ReportingAttacherModule } from '@ocs/service-reporting-attacher';
import { hostname } from 'node:os';
import { clusterReadiness, kafkaBusFromConfig } from '../cluster-adapters';
import { attacherOptionsFromConfig, cassandraOptionsFromConfig } from '../config-to-options';
import type { ServiceAssembly } from '../run-service';
import { memoryAdapters } from '../session-engine-parts';
import { statisticsFold } from '../statistics-fold';

export interface AttacherAdapters {
  bus: EventBus;
  interactions: InteractionServer;
  /** Where a session's interaction is found when no record named it. */
  store: TranscriptStore;
  checkpoints: StatisticsCheckpoints;
}

/** The reporting attacher on the given adapters, or none while there is no calculator. */
export function createAttacher(config: ChatServerConfig, logger: Logger, adapters: AttacherAdapters, fold = statisticsFold): ReportingAttacher | undefined {
  if (!fold) return undefined;
  return new ReportingAttacher({
    ...adapters,
    fold,
    // By the session, as the bridge submitted it: found even for a session closed before its interaction was bound.
    findInteraction: async (sessionId) => (await adapters.interactions.interactionOf(sessionId)) ?? (await adapters.store.load(sessionId))?.interactionId,
    options: attacherOptionsFromConfig(config),
    log: logger,
  });
}

/**
 * The reporting-attacher process. Embedded: on adapters in memory of its own (the all-in-one process wires it on the
 * engine's, see `startEmbedded`). Cluster: the session events on Kafka, the interactions and the session states in
 * Cassandra, its checkpoints in Redis.
 */
export const reportingAttacher: ServiceAssembly = {
  name: REPORTING_ATTACHER_SERVICE,
  surface: 'reporting',
  clusterSecrets: [],
  module: async (config, logger) => {
    if (config.cluster.mode === 'embedded') {
      const { bus, interactions, store } = memoryAdapters();
      return ReportingAttacherModule.forRoot(createAttacher(config, logger, { bus, interactions, store, checkpoints: new MemoryStatisticsCheckpoints() }));
    }
    const nodeId = config.cluster.nodeId || `${hostname()}-${process.pid}`;
    const context = await connectCassandra(cassandraOptionsFromConfig(config));
    const bus = await kafkaBusFromConfig(config, logger, nodeId);
    const checkpoints = new RedisStatisticsCheckpoints({ url: config.redis.url, keyPrefix: config.redis.keyPrefix });
    const interactions = new CassandraInteractionServer(context, bus);
    const attacher = createAttacher(config, logger, { bus, interactions, store: new CassandraTranscriptStore(context, nodeId), checkpoints });
    return ReportingAttacherModule.forRoot(attacher, {
      readiness: clusterReadiness({ cassandra: context.client, bus, membership: { alive: async () => (await checkpoints.reachable(), []) } }),
      lag: () => bus.lag(TOPICS.sessionEvents, ATTACHER_GROUP),
      close: async () => {
        await Promise.all([interactions.close(), bus.close(), checkpoints.close()]);
        await context.client.shutdown();
      },
    });
  },
};
