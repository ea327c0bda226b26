import { MemoryEventBus, MemoryInteractionServer, MemoryStatisticsCheckpoints } from '@ocs/adapters-memory';
import { TOPICS } from '@ocs/contracts';
import { bootstrapApp, createLogger } from '@ocs/observability';
import { ReportingAttacher } from './reporting-attacher';
import { REPORTING_ATTACHER_SERVICE, ReportingAttacherModule } from './reporting-attacher.module';

describe('ReportingAttacherModule', () => {
  it('runs the attacher while the app runs and shows its figures on /metrics', async () => {
    const bus = new MemoryEventBus();
    const interactions = new MemoryInteractionServer();
    const { interactionId } = await interactions.submit({ tenantDbid: 1, queue: 'q', mediaType: 'chat', sessionId: 'S-1', properties: {} });
    const attacher = new ReportingAttacher({
      bus,
      interactions,
      checkpoints: new MemoryStatisticsCheckpoints(),
      fold: (_state, record) => (record.type === 'closed' ? { state: undefined, attach: { Done: '1' } } : { state: {} }),
      findInteraction: async () => interactionId,
      options: { statistics: { attachSessionStatistics: 'none' }, checkpointTtlMs: 60_000 },
    });
    let closed = false;
    const logger = createLogger({ service: REPORTING_ATTACHER_SERVICE, level: 'silent' });
    const module = ReportingAttacherModule.forRoot(attacher, {
      lag: async () => [{ partition: 0, lag: 7 }],
      close: async () => void (closed = true),
    });
    const { app, url } = await bootstrapApp(module, { service: REPORTING_ATTACHER_SERVICE, host: '127.0.0.1', port: 0, logger });
    try {
      const values = [
        { type: 'created', sessionId: 'S-1', at: Date.now() - 1_000, userData: {}, properties: {} },
        { type: 'closed', sessionId: 'S-1', at: Date.now() - 500 },
        { type: 'closed', sessionId: 'S-1', at: 'never' },
      ];
      await bus.publish(values.map((value) => ({ topic: TOPICS.sessionEvents, key: 'S-1', value })));
      await bus.idle();
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toContain('ocs_reporting_records_consumed_total{type="created"} 1');
      expect(metrics).toContain('ocs_reporting_records_consumed_total{type="closed"} 1');
      expect(metrics).toContain('ocs_reporting_records_skipped_total{reason="malformed"} 1');
      expect(metrics).toContain('ocs_reporting_statistics_attached_total{kind="final"} 1');
      expect(metrics).toContain('ocs_reporting_attach_lag_seconds_count 1');
      expect(metrics).toContain('ocs_reporting_consumer_lag{partition="0"} 7');
      expect(metrics).toMatch(/ocs_reporting_failures_total 0/);
      expect((await interactions.get(interactionId))?.properties.Done).toBe('1');
    } finally {
      await app.close();
    }
    expect(closed).toBe(true);
  });
});
