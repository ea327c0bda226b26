import type { ChatServerConfig } from '@ocs/config';
import type { BridgeOptions } from './interaction-bridge';

/** The bridge's options from `[settings]`, `[server]` and `[endpoints:<n>]`. */
export function bridgeOptionsFromConfig(config: ChatServerConfig): BridgeOptions {
  return {
    appName: config.server.appName,
    endpoints: config.endpoints,
    stopAbandoned: config.settings.stopAbandonedInteraction,
    saveNotices: config.settings.transcriptSaveNotices,
  };
}
