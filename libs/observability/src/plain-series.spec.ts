import { Counter, Histogram, Registry } from 'prom-client';
import { plainCounter, plainHistogram } from './plain-series';

const BOUNDS = [0.005, 0.05, 0.5, 5];

/** The exposition of `registry` with the metric names made the same, to compare plain series with prom-client's own. */
async function exposition(registry: Registry, prefix: string): Promise<string> {
  return (await registry.metrics()).replaceAll(prefix, 'm_');
}

describe('plain series', () => {
  it('scrape as prom-client’s own counter and histogram given the same events', async () => {
    const plain = new Registry();
    const own = new Registry();
    const counter = plainCounter({ name: 'plain_requests_total', help: 'h', labelNames: ['api', 'status'], registers: [plain] });
    const histogram = plainHistogram({ name: 'plain_duration_seconds', help: 'h', labelNames: ['api'], registers: [plain] }, BOUNDS);
    const ownCounter = new Counter({ name: 'own_requests_total', help: 'h', labelNames: ['api', 'status'], registers: [own] });
    const ownHistogram = new Histogram({ name: 'own_duration_seconds', help: 'h', labelNames: ['api'], buckets: BOUNDS, registers: [own] });
    const [rest200, rest404, ws] = [counter({ api: 'rest', status: '200' }), counter({ api: 'rest', status: '404' }), counter({ api: 'ws', status: 'ok' })];
    const [restTime, wsTime] = [histogram({ api: 'rest' }), histogram({ api: 'ws' })];
    for (let i = 0; i < 5; i++) {
      rest200.inc();
      ownCounter.labels('rest', '200').inc();
    }
    rest404.inc();
    ownCounter.labels('rest', '404').inc();
    void ws; // made, never counted: not in the scrape, as prom-client shows no series it never counted
    for (const [series, api, value] of [
      [restTime, 'rest', 0.001],
      [restTime, 'rest', 0.005],
      [restTime, 'rest', 0.3],
      [restTime, 'rest', 12],
      [wsTime, 'ws', 0.04],
    ] as const) {
      series.observe(value);
      ownHistogram.labels(api).observe(value);
    }
    const [fromPlain, fromOwn] = [await exposition(plain, 'plain_'), await exposition(own, 'own_')];
    expect(fromPlain).toContain('m_requests_total{api="rest",status="200"} 5');
    expect(fromPlain).toContain('m_duration_seconds_bucket{le="+Inf",api="rest"} 4');
    expect(fromPlain.split('\n').sort()).toEqual(fromOwn.split('\n').sort());
    // Counted on, a scrape later reads the new totals.
    rest200.inc();
    expect(await exposition(plain, 'plain_')).toContain('m_requests_total{api="rest",status="200"} 6');
  });
});
