import { runService } from '@ocs/observability';
import { ESP_GATEWAY_SERVICE, EspGatewayModule } from './esp-gateway.module';

void runService(() => EspGatewayModule, { service: ESP_GATEWAY_SERVICE, port: (server) => server.espPort });
