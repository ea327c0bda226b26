import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import type { ChatEngineApi } from '@ocs/chat-engine';
import { LOGGER, ObservabilityModule, type Logger } from '@ocs/observability';
import { systemClock, type ManualRouting } from '@ocs/ports';
import { ChatEsp } from './esp/chat-esp';
import { EspFaultFilter } from './esp/esp-fault.filter';
import { EspController } from './esp/esp.controller';
import { RouterModule } from './router/router.module';

export const ESP_GATEWAY_SERVICE = 'esp-gateway';

/** What the gateway is wired with: the session engine (no ESP option yet), and where routing is played by hand if it is. */
export interface EspGatewayOptions {
  engine: ChatEngineApi;
  /**
   * The embedded mode, with no real Interaction Server: a person or a test plays the router, through the router
   * surface (`/router`) beside ESP.
   */
  routing?: ManualRouting;
}

/**
 * The esp-gateway service: Interaction Server's ESP requests of service `Chat` (from workflows), as JSON over
 * HTTP at `POST /esp`, forwarded to the session engine (docs/api/esp.md). Given `routing`, also the router surface
 * under `/router` (docs/api/router.md).
 */
@Module({})
export class EspGatewayModule {
  static forRoot({ engine, routing }: EspGatewayOptions): DynamicModule {
    return {
      module: EspGatewayModule,
      imports: [ObservabilityModule.forRoot({ service: ESP_GATEWAY_SERVICE }), ...(routing ? [RouterModule.forRoot(routing)] : [])],
      controllers: [EspController],
      providers: [
        { provide: ChatEsp, useValue: new ChatEsp(engine, systemClock) },
        {
          provide: APP_FILTER,
          useFactory: (logger: Logger, adapterHost: HttpAdapterHost) => new EspFaultFilter(logger, adapterHost.httpAdapter),
          inject: [LOGGER, HttpAdapterHost],
        },
      ],
    };
  }
}
