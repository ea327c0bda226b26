import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ChatEngineApi } from '@ocs/chat-engine';
import type { ReplyLimits } from '@ocs/gms-chat-v2';
import { ReadinessChecks, type ReadinessCheck, type MetricsRegistry } from '@ocs/observability';
import type { UniversalContactServer } from '@ocs/ports';
import type { AgentRoutingPorts } from './agent/agent-routing';
import type { AgentToken } from './agent/agent-tokens';
import type { AuthBackoffOptions } from './auth-backoff';

/** Where a customer service's chats go: its tenant and the endpoint whose queue its interactions wait in. */
export interface ServiceTarget {
  tenantDbid: number;
  endpoint: string;
}

/**
 * What the gateway is wired with: its own options, the session engine it forwards to, and UCS (file documents).
 * The wiring builds them from the configuration (`[server]`, `[services]`, `[agent-api]`, `[settings]`,
 * `[client-file-transfer]`).
 */
export interface GatewayOptions {
  /** This node's alias, returned in every customer reply. */
  alias: string;
  /** The customer API's services by name; a chat requested of another name is refused. */
  services: Readonly<Record<string, ServiceTarget>>;
  /** Origins whose pages may call the customer API cross-origin; `*` allows any (without credentials). */
  corsOrigins: readonly string[];
  /** Backoff of an address after repeated failed authentications (agent tokens, customer secure keys). */
  authBackoff: AuthBackoffOptions;
  /** Largest request a client may send: a JSON or form body, a text field of a multipart body, an agent WebSocket frame. */
  maxRequestBytes: number;
  /** Most fields of a customer request body, form-encoded or multipart (`request-max-fields`). */
  maxRequestFields: number;
  /** How much of the transcript one customer reply carries (`refresh-max-events`, `refresh-max-text-size`). */
  replyLimits: ReplyLimits;
  /**
   * The customer CometD endpoint: its path, how long a long poll is held (seconds), the most Bayeux messages in one
   * request or WebSocket message, the handshakes one address may make per interval (0: no limit), and whether
   * callback-polling (JSONP) is served. Its HTTP bodies and WebSocket messages are bounded by `maxRequestBytes`.
   */
  cometd: { path: string; timeoutSeconds: number; maxBatch: number; handshakeLimit: number; handshakeIntervalSeconds: number; jsonp: boolean };
  /** Largest file a customer may upload (`upload-max-file-size`); a larger one is cut off there and refused. */
  uploadMaxFileBytes: number;
  /** The agent API: credentials of agent-side clients, and the WebSocket's path and timing. */
  agent: {
    tokens: readonly AgentToken[];
    wsPath: string;
    /** Ping interval of the WebSocket; 0 disables. */
    heartbeatMs: number;
    /**
     * `user-register-timeout`: a WebSocket connection that has not registered by then is closed; so is any connection
     * to the gateway that has not sent a complete request by then (silent-connections.ts).
     */
    registerTimeoutMs: number;
    /** Longest nickname at `register` (`nickname-max-length`). */
    nicknameMaxLength: number;
    /** The built-in routing the agents reach over the socket (`[routing] mode` builtin); absent: refused. */
    routing?: AgentRoutingPorts;
  };
  /** Where the built web console is (`console/` of the build output); absent: no console pages. */
  consoleDir?: string;
  engine: ChatEngineApi;
  ucs: UniversalContactServer;
  /** Releases the connections the gateway was given (cluster mode) once it has stopped serving. */
  release?: () => Promise<void>;
  /** Checks of `/health/ready`, by name (cluster mode: Redis and a live session engine). */
  readiness?: Readonly<Record<string, ReadinessCheck>>;
  /** The app's metrics registry, when the wiring made it (its engine client reports there too); default: a new one. */
  registry?: MetricsRegistry;
}

export const GATEWAY_OPTIONS = Symbol('GatewayOptions');

/** Registers the options' readiness checks at start-up, and calls their `release` once the app has stopped serving. */
@Injectable()
export class GatewayRelease implements OnApplicationShutdown {
  constructor(
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    readiness: ReadinessChecks,
  ) {
    for (const [name, check] of Object.entries(options.readiness ?? {})) readiness.register(name, check);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.options.release?.();
  }
}
