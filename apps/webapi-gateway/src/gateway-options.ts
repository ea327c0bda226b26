import type { ChatEngineApi } from '@ocs/chat-engine';
import type { ChatServerConfig } from '@ocs/config';

/** What the gateway is wired with: the configuration and the session engine it forwards to. */
export interface GatewayOptions {
  config: ChatServerConfig;
  engine: ChatEngineApi;
}

export const GATEWAY_OPTIONS = Symbol('GatewayOptions');
