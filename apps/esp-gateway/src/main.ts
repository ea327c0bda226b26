import { gatewayEngine } from '@ocs/engine-rpc';
import { runService } from '@ocs/observability';
import { ESP_GATEWAY_SERVICE, EspGatewayModule } from './esp-gateway.module';

void runService((config, logger) => EspGatewayModule.forRoot({ config, engine: gatewayEngine(config, logger) }), {
  service: ESP_GATEWAY_SERVICE,
  port: (server) => server.espPort,
});
