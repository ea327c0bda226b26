import { Module } from '@nestjs/common';
import { Writable } from 'node:stream';
import { bootstrapApp, type BootstrappedApp } from './bootstrap';
import { ReadinessChecks } from './health';
import { createLogger } from './logger';
import { ObservabilityModule } from './observability.module';

/** A dependency the test turns off and on, answering at once, failing, or never answering. */
const dependency = { state: 'up' as 'up' | 'down' | 'throws' | 'hung', calls: 0 };
const hung: Array<() => void> = [];

const checks = ReadinessChecks.provider(
  {
    database: () => dependency.state !== 'down',
    broker: async () => {
      dependency.calls += 1;
      if (dependency.state === 'throws') throw new Error('connect ECONNREFUSED 127.0.0.1:1');
      if (dependency.state === 'hung') await new Promise<void>((resolve) => hung.push(resolve));
      return true;
    },
  },
  { timeoutMs: 300 },
);

@Module({ imports: [ObservabilityModule.forRoot({ service: 'probed' })], providers: [checks] })
class ProbedModule {}

const lines: Array<{ level: string; msg: string; check?: string; err?: { type: string; stack: string }; timeoutMs?: number }> = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as (typeof lines)[number]);
    done();
  },
});

async function ready(app: BootstrappedApp): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${app.url}/health/ready`);
  return { status: response.status, body: await response.json() };
}

describe('readiness checks over HTTP', () => {
  let app: BootstrappedApp;

  beforeAll(async () => {
    app = await bootstrapApp(ProbedModule, { service: 'probed', host: '127.0.0.1', port: 0, logger: createLogger({ service: 'probed', level: 'info' }, sink) });
  });
  afterAll(async () => {
    for (const release of hung.splice(0)) release();
    await app.app.close();
  });
  beforeEach(() => {
    dependency.state = 'up';
    lines.length = 0;
  });

  it('answers 503 naming the failing check while a dependency is down, and 200 again once it is back', async () => {
    expect(await ready(app)).toMatchObject({ status: 200, body: { status: 'ok', service: 'probed' } });
    dependency.state = 'down';
    expect(await ready(app)).toMatchObject({ status: 503, body: { status: 'unavailable', service: 'probed', failing: ['database'] } });
    dependency.state = 'throws';
    expect(await ready(app)).toMatchObject({ status: 503, body: { failing: ['broker'] } });
    dependency.state = 'up';
    expect(await ready(app)).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('fails a check that does not answer within its limit, with one call running however many probes come', async () => {
    dependency.state = 'hung';
    const callsBefore = dependency.calls;
    const probes = [await ready(app), await ready(app), await ready(app)];
    for (const probe of probes) {
      expect(probe).toMatchObject({ status: 503, body: { failing: ['broker'] } });
    }
    expect(dependency.calls - callsBefore).toBe(1);
    // The server answers again: the call still running settles, and the next probe passes.
    dependency.state = 'up';
    for (const release of hung.splice(0)) release();
    expect(await ready(app)).toMatchObject({ status: 200 });
  });

  it('logs a check once when it starts failing (with its error) and once when it passes again, not at every probe', async () => {
    dependency.state = 'throws';
    for (let i = 0; i < 3; i += 1) await ready(app);
    dependency.state = 'up';
    for (let i = 0; i < 2; i += 1) await ready(app);
    expect(lines.map(({ msg, check }) => [msg, check])).toEqual([
      ['readiness check failing', 'broker'],
      ['readiness check passing again', 'broker'],
    ]);
    expect(lines.map((l) => l.level)).toEqual(['warn', 'info']);
    expect(lines[0].err).toMatchObject({ type: 'Error', reason: expect.stringContaining('connect ECONNREFUSED 127.0.0.1:1') });
  });

  it('refuses a second check of a name already registered', () => {
    expect(() => app.app.get(ReadinessChecks).register('database', () => true)).toThrow('readiness check database is already registered');
  });
});
