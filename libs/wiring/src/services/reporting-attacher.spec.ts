import { MemoryEventBus, MemoryInteractionServer, MemoryStatisticsCheckpoints, MemoryTranscriptStore } from '@ocs/adapters-memory';
import { loadConfig } from '@ocs/config';
import { TOPICS } from '@ocs/contracts';
import { bootstrapApp, createLogger } from '@ocs/observability';
import { createAttacher, reportingAttacher } from './reporting-attacher';

const config = (env: Record<string, string> = {}) => loadConfig({ argv: [], env: { 'OCS__server__reporting-port': '0', ...env } });
const logger = createLogger({ service: reportingAttacher.name, level: 'silent' });

describe('the reporting-attacher service', () => {
  it('boots alone, answers GET /health/live with its name and shows its figures on /metrics', async () => {
    const { app, url } = await bootstrapApp(await reportingAttacher.module(config(), logger), {
      service: reportingAttacher.name,
      host: '127.0.0.1',
      port: 0,
      logger,
    });
    try {
      expect(await (await fetch(`${url}/health/live`)).json()).toEqual({ status: 'ok', service: 'reporting-attacher' });
      expect(await (await fetch(`${url}/metrics`)).text()).toContain('ocs_reporting_failures_total 0');
    } finally {
      await app.close();
    }
  });

  it('runs the calculator with the configured options: attach-session-statistics=none attaches only the keys always attached', async () => {
    const bus = new MemoryEventBus();
    const interactions = new MemoryInteractionServer();
    const { interactionId } = await interactions.submit({ tenantDbid: 7, queue: 'q', mediaType: 'chat', sessionId: 'S-1', properties: {} });
    const store = new MemoryTranscriptStore();
    const checkpoints = new MemoryStatisticsCheckpoints();
    const attacher = createAttacher(config({ 'OCS__settings__attach-session-statistics': 'none' }), logger, { bus, interactions, store, checkpoints });
    await attacher?.start();
    const service = { name: 'customer-support', tenantDbid: 7, endpoint: 'default' };
    const records = [
      { type: 'created', sessionId: 'S-1', at: Date.UTC(2026, 11, 5, 10), service, userData: {}, properties: {} },
      { type: 'closed', sessionId: 'S-1', interactionId, at: Date.UTC(2026, 11, 5, 10, 1, 30) },
    ];
    await bus.publish(records.map((value) => ({ topic: TOPICS.sessionEvents, key: 'S-1', value })));
    await bus.idle();
    await attacher?.stop();
    expect((await interactions.get(interactionId))?.properties).toEqual({
      ChatServerSessionStartedAt: '2026-12-05T10:00:00Z',
      ChatServerSessionClosedAt: '2026-12-05T10:01:30Z',
      csg_MediaType: 'chat',
      csg_TenantId: '7',
    });
    expect((await checkpoints.load('S-1'))?.done).toBe(true);
  });
});
