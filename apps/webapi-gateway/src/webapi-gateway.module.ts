import { Module, type DynamicModule } from '@nestjs/common';
import { CustomerChat } from '@ocs/gms-chat-v2';
import { ObservabilityModule } from '@ocs/observability';
import { AgentSockets } from './agent/agent-sockets';
import { CustomerCometd } from './customer/cometd/customer-cometd';
import { CustomerReplies } from './customer/customer-replies';
import { CustomerRestController } from './customer/rest/customer-rest.controller';
import { GATEWAY_OPTIONS, type GatewayOptions } from './gateway-options';

export const WEBAPI_GATEWAY_SERVICE = 'webapi-gateway';

/**
 * The webapi-gateway service: the customer API (GMS Chat API v2 over REST and CometD) and the agent API
 * (basic protocol over WebSocket), both forwarding to the session engine.
 */
@Module({})
export class WebapiGatewayModule {
  static forRoot(options: GatewayOptions): DynamicModule {
    const { config, engine } = options;
    return {
      module: WebapiGatewayModule,
      imports: [ObservabilityModule.forRoot({ service: WEBAPI_GATEWAY_SERVICE })],
      controllers: [CustomerRestController],
      providers: [
        { provide: GATEWAY_OPTIONS, useValue: options },
        { provide: CustomerChat, useValue: new CustomerChat(engine, { alias: config.server.alias, hasService: (name) => name in config.services }) },
        CustomerReplies,
        CustomerCometd,
        AgentSockets,
      ],
    };
  }
}
