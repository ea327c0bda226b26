import { MemoryEventBus, MemoryTranscriptStore } from '@ocs/adapters-memory';
import type { SessionRules } from '@ocs/chat-domain';
import { ChatEngine } from './chat-engine';
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
  };
}

export interface EngineAdapters {
  store: TranscriptStore;
  bus: EventBus;
}

/** An engine on the given adapters; the embedded default keeps everything in memory. */
export function createEngine(config: ChatServerConfig, adapters: EngineAdapters = { store: new MemoryTranscriptStore(), bus: new MemoryEventBus() }): ChatEngine {
  return new ChatEngine({ clock: systemClock, ids: new CryptoIds(), rules: rulesFromConfig(config), ...adapters });
}
