import { bootstrapApp, createLogger } from '@ocs/observability';
import { PUSH_NOTIFIER_SERVICE, PushNotifierModule } from './push-notifier';

describe('PushNotifierModule', () => {
  it('boots and answers GET /health/live', async () => {
    const logger = createLogger({ service: PUSH_NOTIFIER_SERVICE, level: 'silent' });
    const { app, url } = await bootstrapApp(PushNotifierModule, { service: PUSH_NOTIFIER_SERVICE, host: '127.0.0.1', port: 0, logger });
    try {
      const response = await fetch(`${url}/health/live`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', service: 'push-notifier' });
    } finally {
      await app.close();
    }
  });
});
