import { MemoryEventBus, MemoryTranscriptStore } from '@ocs/adapters-memory';
import type { PiiRules } from '@ocs/chat-domain';
import { ChatEngine, type ChatEngineDeps, type OwnershipPolicy } from '@ocs/chat-engine';
import type { ChatServerConfig } from '@ocs/config';
import { CryptoIds, systemClock, type EventBus, type SessionMetrics, type TranscriptStore } from '@ocs/ports';
import { durabilityFromConfig, rulesFromConfig } from './config-to-options';
import { limitsFromConfig } from './node-health';

export interface EngineWiring {
  store?: TranscriptStore;
  bus?: EventBus;
  /** Where failures of live listeners are reported; at debug level, every event committed too. */
  logger?: { error(fields: object, message: string): void; debug?(fields: object, message: string): void; isLevelEnabled?(level: string): boolean };
  /** Session ownership and restoration (cluster mode with `session-restoration-mode=simple`). */
  ownership?: OwnershipPolicy;
  /** Where sessions of interactions this node does not hold are found (the shared interaction queue). */
  interactions?: ChatEngineDeps['interactions'];
  /** Where each party's secure key is recorded, to find its session while no node holds it (cluster). */
  partyKeys?: ChatEngineDeps['partyKeys'];
  /** The PII rule sets UCS holds for the tenants (`apply-config` ucs or mix). */
  tenantPiiRules?: PiiRules['tenantRules'];
  /** Where sessions, parties, messages and refusals are counted (`ocs_sessions_*`, `ocs_messages_total`, the KPI counters). */
  metrics?: SessionMetrics;
}

/**
 * At debug level, a line per committed event, its text as the session keeps it (masked where `[transcript-cleanup]`
 * says) and printed as `message-log-print-size` allows. Below debug, no hook and no work.
 */
function eventLog(logger: EngineWiring['logger']): Pick<ChatEngineDeps, 'onCommitted'> {
  const debug = logger?.debug?.bind(logger);
  if (!debug || !logger?.isLevelEnabled?.('debug')) return {};
  return {
    onCommitted: (sessionId, events) => {
      for (const e of events) {
        const about = e.kind === 'notice' ? { noticeType: e.noticeType } : {};
        const text = 'text' in e && e.text !== undefined ? { text: e.text } : {};
        debug({ sessionId, eventId: e.eventId, kind: e.kind, userId: e.userId, ...about, ...text }, 'session event');
      }
    },
  };
}

/** An engine on the given adapters; by default (embedded) everything stays in memory. */
export function createEngine(config: ChatServerConfig, wiring: EngineWiring = {}): ChatEngine {
  const limits = limitsFromConfig(config);
  return new ChatEngine({
    clock: systemClock,
    ids: new CryptoIds(),
    rules: rulesFromConfig(config, wiring.tenantPiiRules),
    store: wiring.store ?? new MemoryTranscriptStore(),
    bus: wiring.bus ?? new MemoryEventBus(),
    onListenerError: (sessionId, err) => wiring.logger?.error({ sessionId, err }, 'live listener failed'),
    ...eventLog(wiring.logger),
    durability: durabilityFromConfig(config),
    ...(wiring.ownership ? { ownership: wiring.ownership } : {}),
    ...(wiring.interactions ? { interactions: wiring.interactions } : {}),
    ...(wiring.partyKeys ? { partyKeys: wiring.partyKeys } : {}),
    ...(limits ? { limits } : {}),
    ...(wiring.metrics ? { metrics: wiring.metrics } : {}),
  });
}
