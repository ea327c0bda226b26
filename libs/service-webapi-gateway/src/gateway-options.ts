import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ChatEngineApi } from '@ocs/chat-engine';
import type { ChatServerConfig } from '@ocs/config';
import { ReadinessChecks, type ReadinessCheck } from '@ocs/observability';
import type { UniversalContactServer } from '@ocs/ports';

/** What the gateway is wired with: the configuration, the session engine it forwards to, and UCS (file documents). */
export interface GatewayOptions {
  config: ChatServerConfig;
  engine: ChatEngineApi;
  ucs: UniversalContactServer;
  /** Releases the connections the gateway was given (cluster mode) once it has stopped serving. */
  release?: () => Promise<void>;
  /** Checks of `/health/ready`, by name (cluster mode: `gatewayReadiness` of `@ocs/engine-rpc`). */
  readiness?: Readonly<Record<string, ReadinessCheck>>;
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
