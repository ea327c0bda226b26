import { Inject, Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import { CustomerChat } from '@ocs/gms-chat-v2';
import { appMetrics, LOGGER, METRICS_REGISTRY, ObservabilityModule, type Logger, type MetricsRegistry } from '@ocs/observability';
import { AgentSockets } from './agent/agent-sockets';
import { AuthBackoff } from './auth-backoff';
import { AgentDocumentsController } from './agent/documents/agent-documents.controller';
import { CustomerCometd } from './customer/cometd/customer-cometd';
import { ConsoleController } from './console/console.controller';
import { CorsPolicy } from './customer/cors-policy';
import { CustomerErrorsFilter } from './customer/customer-errors.filter';
import { CustomerReplies } from './customer/customer-replies';
import { ChatNtfController } from './customer/files/chat-ntf.controller';
import { CustomerFiles } from './customer/files/customer-files';
import { CUSTOMER_FILES_PATH, CustomerFilesController } from './customer/files/customer-files.controller';
import { CustomerRestController } from './customer/rest/customer-rest.controller';
import { multipartFields } from './customer/rest/multipart-fields';
import { GATEWAY_OPTIONS, GatewayRelease, type GatewayOptions } from './gateway-options';
import { SilentConnections } from './silent-connections';
import { webapiRequests } from './request-kinds';

export const WEBAPI_GATEWAY_SERVICE = 'webapi-gateway';

/** Registers the live-connection gauges once the transports exist. */
const LIVE_CONNECTIONS = Symbol('LIVE_CONNECTIONS');

/**
 * The webapi-gateway service: the customer API (GMS Chat API v2 over REST and CometD) and the agent API
 * (basic protocol over WebSocket), both forwarding to the session engine.
 */
@Module({})
export class WebapiGatewayModule implements NestModule {
  constructor(@Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions) {}

  /**
   * Widgets run on the company's web pages: the customer API answers cross-origin requests from `cors-origins`.
   * Some clients send the REST operations as multipart forms.
   */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(new CorsPolicy(this.options.corsOrigins).middleware()).forRoutes('*');
    consumer
      .apply(multipartFields({ maxBytes: this.options.maxRequestBytes, maxFields: this.options.maxRequestFields }))
      // The file routes read their own multipart bodies (with the file).
      .exclude(CUSTOMER_FILES_PATH, `${CUSTOMER_FILES_PATH}/{*rest}`)
      .forRoutes(CustomerRestController);
  }

  static forRoot(options: GatewayOptions): DynamicModule {
    const { alias, services, engine, maxRequestBytes, maxRequestFields, replyLimits } = options;
    return {
      module: WebapiGatewayModule,
      imports: [ObservabilityModule.forRoot({ service: WEBAPI_GATEWAY_SERVICE, registry: options.registry, classify: webapiRequests })],
      // The file routes come first: `…/{chatId}/file` would otherwise match the REST `…/{chatId}/{operation}`.
      controllers: [CustomerFilesController, CustomerRestController, ChatNtfController, AgentDocumentsController, ConsoleController],
      providers: [
        { provide: GATEWAY_OPTIONS, useValue: options },
        { provide: AuthBackoff, useValue: new AuthBackoff(options.authBackoff) },
        {
          provide: CustomerChat,
          useValue: new CustomerChat(engine, {
            alias,
            service: (name) => (Object.hasOwn(services, name) ? services[name] : undefined),
            replyLimits,
          }),
        },
        {
          provide: APP_FILTER,
          useFactory: (logger: Logger, adapterHost: HttpAdapterHost) =>
            new CustomerErrorsFilter(alias, logger, adapterHost.httpAdapter, { maxBytes: maxRequestBytes, maxFields: maxRequestFields }),
          inject: [LOGGER, HttpAdapterHost],
        },
        GatewayRelease,
        CustomerReplies,
        CustomerFiles,
        CustomerCometd,
        AgentSockets,
        SilentConnections,
        {
          provide: LIVE_CONNECTIONS,
          useFactory: (registry: MetricsRegistry, cometd: CustomerCometd, agents: AgentSockets) => {
            const metrics = appMetrics(registry);
            const help = 'Live connections of this gateway, by transport (CometD clients, agent WebSockets)';
            metrics.gauge('ocs_live_connections', help, () => cometd.clientCount, { transport: 'cometd' });
            metrics.gauge('ocs_live_connections', help, () => agents.openConnections, { transport: 'agent-ws' });
            return true;
          },
          inject: [METRICS_REGISTRY, CustomerCometd, AgentSockets],
        },
      ],
    };
  }
}
