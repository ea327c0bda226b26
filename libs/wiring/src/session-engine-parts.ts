import { MemoryEventBus, MemoryInteractionServer, MemoryTranscriptStore, MemoryUcs } from '@ocs/adapters-memory';
import type { ChatEngine, ChatEngineApi, OwnershipPolicy } from '@ocs/chat-engine';
import type { ChatServerConfig } from '@ocs/config';
import { InteractionBridge } from '@ocs/interaction-bridge';
import type { Logger } from '@ocs/observability';
import type { EventBus, InteractionServer, TranscriptStore, UniversalContactServer } from '@ocs/ports';
import { bridgeOptionsFromConfig } from './config-to-options';
import { createEngine } from './engine';
import { statisticsFold } from './statistics-fold';

export interface SessionEngineAdapters {
  store: TranscriptStore;
  bus: EventBus;
  interactions: InteractionServer;
  ucs: UniversalContactServer;
}

export interface SessionEngineParts extends SessionEngineAdapters {
  engine: ChatEngine;
  bridge: InteractionBridge;
}

/** The in-memory adapters of the embedded mode. */
export function memoryAdapters(): SessionEngineAdapters & { interactions: MemoryInteractionServer } {
  return { store: new MemoryTranscriptStore(), bus: new MemoryEventBus(), interactions: new MemoryInteractionServer(), ucs: new MemoryUcs() };
}

export interface ClusterWiring {
  ownership: OwnershipPolicy;
  /** The engine the bridge acts through: in a cluster a session may be owned by another node. */
  bridgeEngine: ChatEngineApi;
}

/**
 * The engine and its bridge to Interaction Server and UCS, on the given adapters. `attacherRuns`: a reporting attacher
 * follows the same bus (in a cluster, its own process), so the bridge's closing actions wait for its statistics.
 */
export function wireSessionEngine(
  config: ChatServerConfig,
  logger: Logger,
  adapters: SessionEngineAdapters,
  cluster?: ClusterWiring,
  attacherRuns = cluster !== undefined && statisticsFold !== undefined,
): SessionEngineParts {
  const restoring = cluster && config.settings.sessionRestorationMode === 'simple';
  const engine = createEngine(config, {
    logger,
    store: adapters.store,
    bus: adapters.bus,
    ...(cluster ? { interactions: adapters.interactions } : {}),
    ...(restoring ? { ownership: cluster.ownership } : {}),
  });
  const bridge = new InteractionBridge({
    engine: cluster?.bridgeEngine ?? engine,
    ...adapters,
    options: bridgeOptionsFromConfig(config, attacherRuns),
    onError: (sessionId, err) => logger.error({ sessionId, err }, 'interaction bridge failed for a session'),
    onStatisticsLate: (sessionId, interactionId) =>
      logger.warn(
        { sessionId, interactionId, waitMs: config.settings.statisticsCloseWait },
        'session closed without its reporting statistics: none attached in time',
      ),
    ...(logger.isLevelEnabled('debug')
      ? { onTranscriptSaved: (interactionId: string, transcript: string) => logger.debug({ interactionId, transcript }, 'transcript saved to UCS') }
      : {}),
  });
  return { ...adapters, engine, bridge };
}
