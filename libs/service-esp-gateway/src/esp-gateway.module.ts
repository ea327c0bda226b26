import { Inject, Module, Optional, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import type { ChatEngineApi } from '@ocs/chat-engine';
import { LOGGER, ObservabilityModule, requireBearerSecret, type Logger, type MetricsRegistry } from '@ocs/observability';
import { systemClock, type ManualRouting } from '@ocs/ports';
import { ChatEsp } from './esp/chat-esp';
import { EspFaultFilter } from './esp/esp-fault.filter';
import { EspController } from './esp/esp.controller';
import { espRequests } from './esp/esp-requests';
import { RouterController } from './router/router.controller';
import { RouterModule } from './router/router.module';

export const ESP_GATEWAY_SERVICE = 'esp-gateway';
const ESP_SECRET = Symbol('ESP_SECRET');

/** What the gateway is wired with: the session engine (no ESP option yet), and where routing is played by hand if it is. */
export interface EspGatewayOptions {
  engine: ChatEngineApi;
  /**
   * The embedded mode, with no real Interaction Server: a person or a test plays the router, through the router
   * surface (`/router`) beside ESP.
   */
  routing?: ManualRouting;
  /** `[server] esp-secret`: what ESP clients and the router surface's users present; none: both are open. */
  secret?: string;
  /** The app's metrics registry, when the wiring made it (its engine client reports there too); default: a new one. */
  registry?: MetricsRegistry;
  /** Modules run in the same app (the built-in routing's runtime, with its metrics). */
  modules?: DynamicModule[];
}

/**
 * The esp-gateway service: Interaction Server's ESP requests of service `Chat` (from workflows), as JSON over
 * HTTP at `POST /esp`, forwarded to the session engine (docs/api/esp.md). Given `routing`, also the router surface
 * under `/router` (docs/api/router.md).
 */
@Module({})
export class EspGatewayModule implements NestModule {
  constructor(@Optional() @Inject(ESP_SECRET) private readonly secret?: string) {}

  configure(consumer: MiddlewareConsumer): void {
    if (this.secret) consumer.apply(requireBearerSecret(this.secret, '[server] esp-secret')).forRoutes(EspController, RouterController);
  }

  static forRoot({ engine, routing, secret, registry, modules = [] }: EspGatewayOptions): DynamicModule {
    const esp = new ChatEsp(engine, systemClock);
    return {
      module: EspGatewayModule,
      imports: [
        ObservabilityModule.forRoot({ service: ESP_GATEWAY_SERVICE, registry, classify: espRequests(esp.methodNames) }),
        ...(routing ? [RouterModule.forRoot(routing)] : []),
        ...modules,
      ],
      controllers: [EspController],
      providers: [
        ...(secret ? [{ provide: ESP_SECRET, useValue: secret }] : []),
        { provide: ChatEsp, useValue: esp },
        {
          provide: APP_FILTER,
          useFactory: (logger: Logger, adapterHost: HttpAdapterHost) => new EspFaultFilter(logger, adapterHost.httpAdapter),
          inject: [LOGGER, HttpAdapterHost],
        },
      ],
    };
  }
}
