import type { ChatEngineApi } from '@ocs/chat-engine';
import type { ChatServerConfig } from '@ocs/config';
import type { UniversalContactServer } from '@ocs/ports';

/** What the gateway is wired with: the configuration, the session engine it forwards to, and UCS (file documents). */
export interface GatewayOptions {
  config: ChatServerConfig;
  engine: ChatEngineApi;
  ucs: UniversalContactServer;
}

export const GATEWAY_OPTIONS = Symbol('GatewayOptions');
