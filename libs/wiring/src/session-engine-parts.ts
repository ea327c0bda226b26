import { MemoryEventBus, MemoryInteractionServer, MemoryTranscriptStore, MemoryUcs } from '@ocs/adapters-memory';
import { PiiRuleBook, sessionMetricsOf, type ChatEngine, type ChatEngineApi, type KpiCounters, type OwnershipPolicy } from '@ocs/chat-engine';
import { maskText, rulesOfTenant } from '@ocs/chat-domain';
import type { ChatServerConfig } from '@ocs/config';
import { InteractionBridge } from '@ocs/interaction-bridge';
import type { Logger } from '@ocs/observability';
import type { EventBus, InteractionServer, PartyKeyIndex, SessionMetrics, TranscriptStore, UniversalContactServer } from '@ocs/ports';
import type { BackgroundTask } from '@ocs/service-session-engine';
import { bridgeOptionsFromConfig, piiDefaults, piiRuleSets } from './config-to-options';
import { createEngine } from './engine';
import { kpiCountersFor } from './node-health';
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
  /** What runs beside the engine while the service runs: the PII rule book where rules come from UCS (read first), the bridge. */
  tasks: BackgroundTask[];
  /** The node's KPI counters, when the health port or the periodic log output reads them. */
  counters?: KpiCounters;
}

/** The in-memory adapters of the embedded mode. */
export function memoryAdapters(): SessionEngineAdapters & { interactions: MemoryInteractionServer } {
  return { store: new MemoryTranscriptStore(), bus: new MemoryEventBus(), interactions: new MemoryInteractionServer(), ucs: new MemoryUcs() };
}

export interface ClusterWiring {
  ownership: OwnershipPolicy;
  /** The session of each party's secure key, durable: a key presented alone is found while no node holds its session. */
  partyKeys: PartyKeyIndex;
  /** The engine the bridge acts through: in a cluster a session may be owned by another node. */
  bridgeEngine: ChatEngineApi;
}

/**
 * The engine and its bridge to Interaction Server and UCS, on the given adapters. `metrics` counts its sessions;
 * `attacherRuns`: a reporting attacher follows the same bus (in a cluster, its own process), so the bridge's closing
 * actions wait for its statistics.
 */
export function wireSessionEngine(
  config: ChatServerConfig,
  logger: Logger,
  adapters: SessionEngineAdapters,
  cluster?: ClusterWiring,
  { metrics, attacherRuns = cluster !== undefined && statisticsFold !== undefined }: { metrics?: SessionMetrics; attacherRuns?: boolean } = {},
): SessionEngineParts {
  const restoring = cluster && config.settings.sessionRestorationMode === 'simple';
  const piiRules = piiRuleBook(config, logger, adapters.ucs);
  // The KPI counters and the application metrics are told of the same events, by the same hooks.
  const counters = kpiCountersFor(config);
  const told = [...(metrics ? [metrics] : []), ...(counters ? [counters] : [])];
  const engine = createEngine(config, {
    ...(piiRules ? { tenantPiiRules: piiRules.rulesFor } : {}),
    logger,
    ...(told.length > 0 ? { metrics: sessionMetricsOf(...told) } : {}),
    store: adapters.store,
    bus: adapters.bus,
    ...(cluster ? { interactions: adapters.interactions, partyKeys: cluster.partyKeys } : {}),
    ...(restoring ? { ownership: cluster.ownership } : {}),
  });
  const subjects = config.transcriptCleanup.cleanSubject === 'never' ? undefined : piiRuleSets(config, piiRules?.rulesFor);
  const bridge = new InteractionBridge({
    engine: cluster?.bridgeEngine ?? engine,
    ...adapters,
    options: bridgeOptionsFromConfig(config, attacherRuns),
    ...(subjects ? { maskText: (tenantDbid: number, text: string) => maskText(text, rulesOfTenant(subjects, tenantDbid)).text } : {}),
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
  return { ...adapters, engine, bridge, tasks: [...(piiRules ? [piiRules] : []), bridge], ...(counters ? { counters } : {}) };
}

/**
 * The book of the PII rule sets UCS holds for the tenants of `[endpoints:<tenant>]`, where `apply-config` is ucs or
 * mix and masking (of messages or of subjects) is on; what is wrong with a set is logged as a warning, naming the tenant and the rule.
 */
function piiRuleBook(config: ChatServerConfig, logger: Logger, ucs: UniversalContactServer): PiiRuleBook | undefined {
  const cleanup = config.transcriptCleanup;
  if (cleanup.applyConfig === 'cfg' || (cleanup.applyArea === 'never' && cleanup.cleanSubject === 'never')) return undefined;
  return new PiiRuleBook({
    ucs,
    tenants: Object.keys(config.endpoints).map(Number),
    defaults: piiDefaults(config),
    refreshIntervalMs: cleanup.ucsRefreshInterval * 1000,
    onProblem: (tenantDbid, problem) => logger.warn({ tenantDbid }, problem),
    unmaskedWithoutSet: cleanup.applyConfig === 'ucs',
  });
}
