import { bootstrapApp, createLogger } from '@ocs/observability';
import { REPORTING_ATTACHER_SERVICE, ReportingAttacherModule } from './reporting-attacher';

describe('ReportingAttacherModule', () => {
  it('boots and answers GET /health/live', async () => {
    const logger = createLogger({ service: REPORTING_ATTACHER_SERVICE, level: 'silent' });
    const { app, url } = await bootstrapApp(ReportingAttacherModule, { service: REPORTING_ATTACHER_SERVICE, host: '127.0.0.1', port: 0, logger });
    try {
      const response = await fetch(`${url}/health/live`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', service: 'reporting-attacher' });
    } finally {
      await app.close();
    }
  });
});
