import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import type { ChatEngineApi } from '@ocs/chat-engine';
import type { ChatServerConfig } from '@ocs/config';
import { LOGGER, ObservabilityModule, type Logger } from '@ocs/observability';
import { systemClock } from '@ocs/ports';
import { ChatEsp } from './esp/chat-esp';
import { EspFaultFilter } from './esp/esp-fault.filter';
import { EspController } from './esp/esp.controller';

export const ESP_GATEWAY_SERVICE = 'esp-gateway';

/** What the gateway is wired with, as every gateway is: the configuration (no ESP option yet) and the session engine. */
export interface EspGatewayOptions {
  config: ChatServerConfig;
  engine: ChatEngineApi;
}

/**
 * The esp-gateway service: Interaction Server's ESP requests of service `Chat` (from workflows), as JSON over
 * HTTP at `POST /esp`, forwarded to the session engine. See docs/api/esp.md.
 */
@Module({})
export class EspGatewayModule {
  static forRoot({ engine }: EspGatewayOptions): DynamicModule {
    return {
      module: EspGatewayModule,
      imports: [ObservabilityModule.forRoot({ service: ESP_GATEWAY_SERVICE })],
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
