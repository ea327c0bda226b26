import { createEngine } from '@ocs/chat-engine';
import { runService } from '@ocs/observability';
import { ESP_GATEWAY_SERVICE, EspGatewayModule } from './esp-gateway.module';

// Until the cluster adapters exist, a stand-alone gateway carries its own in-process engine (so it knows only
// its own sessions, i.e. none); the all-in-one shares one engine with the webapi-gateway.
void runService((config, logger) => EspGatewayModule.forRoot({ config, engine: createEngine(config, { logger }) }), {
  service: ESP_GATEWAY_SERVICE,
  port: (server) => server.espPort,
});
