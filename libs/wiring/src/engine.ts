import { MemoryEventBus, MemoryTranscriptStore } from '@ocs/adapters-memory';
import type { SessionRules } from '@ocs/chat-domain';
import { ChatEngine, type ChatEngineDeps, type Durability, type OwnershipPolicy } from './chat-engine';
import type { ChatServerConfig } from '@ocs/config';
import { CryptoIds, systemClock, type EventBus, type TranscriptStore } from '@ocs/ports';

/** The session rules that `[settings]` configures, in the domain's units. */
export function rulesFromConfig(config: ChatServerConfig): SessionRules {
  const s = config.settings;
  return {
    messageMaxSize: s.messageMaxSize,
    nicknameMaxLength: s.nicknameMaxLength,
    flexDisconnectTimeoutMs: s.flexDisconnectTimeout * 1000,
    closedRetainMs: s.closedSessionRetainTime * 1000,
    sessionPasswordEnforce: s.sessionPasswordEnforce,
    transcriptMaxEvents: s.transcriptMaxEvents,
    flexPushTimeoutMs: s.flexPushTimeout * 1000,
    asyncIdleAlertMs: s.asyncIdleAlert * 1000,
    asyncIdleCloseMs: s.asyncIdleClose * 1000,
    asyncIdleNotices: s.asyncIdleNotices,
    idleMessages: { alert: config.inactivityControl.messageAlert, close: config.inactivityControl.messageClose },
    files: { ...config.clientFileTransfer },
  };
}

export interface EngineWiring {
  store?: TranscriptStore;
  bus?: EventBus;
  /** Where failures of live listeners are reported. */
  logger?: { error(fields: object, message: string): void };
  /** Session ownership and restoration (cluster mode with `session-restoration-mode=simple`). */
  ownership?: OwnershipPolicy;
  /** Where sessions of interactions this node does not hold are found (the shared interaction queue). */
  interactions?: ChatEngineDeps['interactions'];
}

/** `transcript-auto-save` and its companions. */
export function durabilityFromConfig(config: ChatServerConfig): Durability {
  const s = config.settings;
  return {
    autoSave: s.transcriptAutoSave,
    saveOnError: s.transcriptSaveOnError,
    resendAttempts: s.transcriptResendAttempts,
    resendDelayMs: s.transcriptResendDelay * 1000,
  };
}

/** An engine on the given adapters; by default (embedded) everything stays in memory. */
export function createEngine(config: ChatServerConfig, wiring: EngineWiring = {}): ChatEngine {
  return new ChatEngine({
    clock: systemClock,
    ids: new CryptoIds(),
    rules: rulesFromConfig(config),
    store: wiring.store ?? new MemoryTranscriptStore(),
    bus: wiring.bus ?? new MemoryEventBus(),
    onListenerError: (sessionId, err) => wiring.logger?.error({ sessionId, err }, 'live listener failed'),
    durability: durabilityFromConfig(config),
    ...(wiring.ownership ? { ownership: wiring.ownership } : {}),
    ...(wiring.interactions ? { interactions: wiring.interactions } : {}),
    ...(config.settings.limitsControlEnabled
      ? { limits: { sessions: config.settings.limitForSessions, restorePercent: config.settings.limitsRestoreThreshold } }
      : {}),
  });
}
