import { Injectable, Module } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import { bootstrapApp, BootstrappedApp } from './bootstrap';
import { ReadinessChecks } from './health';
import { createLogger } from './logger';
import { ObservabilityModule } from './observability.module';
import { LOGGER, METRICS_REGISTRY } from './tokens';

const dependencies = { store: true, broker: true };

@Injectable()
class Dependencies {
  constructor(checks: ReadinessChecks) {
    checks.register('store', () => dependencies.store);
    checks.register('broker', async () => {
      if (!dependencies.broker) throw new Error('broker unreachable');
      return true;
    });
  }
}

@Module({ imports: [ObservabilityModule.forRoot({ service: 'tiny' })], providers: [Dependencies] })
class TinyModule {}

const logger = createLogger({ service: 'tiny', level: 'silent' });
const start = () => bootstrapApp(TinyModule, { service: 'tiny', host: '127.0.0.1', port: 0, logger });

async function get(url: string) {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

describe('bootstrapApp', () => {
  let started: BootstrappedApp;
  beforeAll(async () => {
    started = await start();
  });
  afterAll(() => started.app.close());

  it('listens on a free port and reports its url', () => {
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(started.url).not.toMatch(/:0$/);
  });

  it('answers GET /health/live', async () => {
    const response = await get(`${started.url}/health/live`);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ status: 'ok', service: 'tiny' });
  });

  it('answers GET /health/ready with 200 while every check passes, else 503 naming the failing ones', async () => {
    const ready = await get(`${started.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ status: 'ok', service: 'tiny' });

    Object.assign(dependencies, { store: false, broker: false });
    const notReady = await get(`${started.url}/health/ready`);
    Object.assign(dependencies, { store: true, broker: true });
    expect(notReady.status).toBe(503);
    expect(JSON.parse(notReady.body)).toEqual({ status: 'unavailable', service: 'tiny', failing: ['store', 'broker'] });
  });

  it('answers GET /metrics with the Prometheus text of the app registry', async () => {
    const registry = started.app.get<Registry>(METRICS_REGISTRY);
    new Counter({ name: 'ocs_test_events_total', help: 'Test events.', registers: [registry] }).inc(3);
    const response = await get(`${started.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.type).toMatch(/^text\/plain;.*version=0\.0\.4/);
    expect(response.body).toContain('ocs_test_events_total 3');
    expect(response.body).toContain('ocs_process_cpu_user_seconds_total');
  });

  it('gives every app its own logger, registry and checks, so several run in one process', async () => {
    const otherLogger = createLogger({ service: 'other', level: 'silent' });
    const other = await bootstrapApp(TinyModule, { service: 'other', host: '127.0.0.1', port: 0, logger: otherLogger });
    try {
      expect(other.url).not.toBe(started.url);
      expect(other.app.get(LOGGER)).toBe(otherLogger);
      expect(started.app.get(LOGGER)).toBe(logger);
      expect(other.app.get(METRICS_REGISTRY)).not.toBe(started.app.get(METRICS_REGISTRY));
      expect(other.app.get(ReadinessChecks)).not.toBe(started.app.get(ReadinessChecks));
      expect((await get(`${other.url}/metrics`)).body).not.toContain('ocs_test_events_total');
    } finally {
      await other.app.close();
    }
  });

  it('refuses a second readiness check of the same name', () => {
    expect(() => started.app.get(ReadinessChecks).register('store', () => true)).toThrow('readiness check store is already registered');
  });
});
