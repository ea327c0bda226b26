export { ESP_GATEWAY_SERVICE, EspGatewayModule, type EspGatewayOptions } from './esp-gateway.module';
