import { bootstrapApp, createLogger } from '@ocs/observability';
import { pushNotifier } from './shell-services';

describe.each([pushNotifier])('the $name service', (service) => {
  it('boots and answers GET /health/live with its name', async () => {
    const logger = createLogger({ service: service.name, level: 'silent' });
    const { app, url } = await bootstrapApp(service.module(), { service: service.name, host: '127.0.0.1', port: 0, logger });
    try {
      const response = await fetch(`${url}/health/live`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', service: service.name });
    } finally {
      await app.close();
    }
  });
});
