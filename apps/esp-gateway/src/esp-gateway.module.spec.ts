import { bootstrapApp, createLogger } from '@ocs/observability';
import { ESP_GATEWAY_SERVICE, EspGatewayModule } from './esp-gateway.module';

describe('EspGatewayModule', () => {
  it('boots and answers GET /health/live', async () => {
    const logger = createLogger({ service: ESP_GATEWAY_SERVICE, level: 'silent' });
    const { app, url } = await bootstrapApp(EspGatewayModule, { service: ESP_GATEWAY_SERVICE, host: '127.0.0.1', port: 0, logger });
    try {
      const response = await fetch(`${url}/health/live`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', service: 'esp-gateway' });
    } finally {
      await app.close();
    }
  });
});
