import { MemoryUcs } from '@ocs/adapters-memory';
import { RedisMembership } from '@ocs/adapters-redis';
import { loadConfig } from '@ocs/config';
import { bootstrapApp, createLogger, type BootstrappedApp } from '@ocs/observability';
import { WEBAPI_GATEWAY_SERVICE, WebapiGatewayModule } from '@ocs/service-webapi-gateway';
import { CuttableProxy, probeReadiness, untilReadiness } from '@ocs/testing';
import { randomBytes } from 'node:crypto';
import { createEngine } from '../engine';
import { gatewayReadiness } from '../remote-engine';
import { webapiGatewayOptions } from './webapi-gateway';

const redis = process.env.OCS_TEST_REDIS;
if (!redis && (process.env.CI || process.env.OCS_REQUIRE_SERVICES))
  throw new Error('the gateway readiness test needs OCS_TEST_REDIS (deploy/local/services.sh env)');

(redis ? describe : describe.skip)('webapi-gateway readiness on the real Redis membership', () => {
  const url = new URL(redis ?? 'redis://127.0.0.1:6379');
  const proxy = new CuttableProxy({ host: url.hostname, port: Number(url.port || 6379) });
  const keyPrefix = `ocs_test_${randomBytes(6).toString('hex')}:`;
  const logger = createLogger({ service: 'test', level: 'silent' });
  let membership: RedisMembership;
  let app: BootstrappedApp;

  beforeAll(async () => {
    await proxy.start();
    membership = new RedisMembership({ url: `redis://127.0.0.1:${proxy.port}`, keyPrefix });
    const config = loadConfig({ argv: [], env: {} });
    app = await bootstrapApp(
      WebapiGatewayModule.forRoot(
        webapiGatewayOptions(config, { engine: createEngine(config, { logger }), ucs: new MemoryUcs(), readiness: gatewayReadiness(membership) }),
      ),
      { service: WEBAPI_GATEWAY_SERVICE, host: '127.0.0.1', port: 0, logger },
    );
  });

  afterAll(async () => {
    await app?.app.close();
    await membership?.leave('engine-1');
    await membership?.close();
    await proxy.cut();
  });

  it('is ready once a session engine is alive; 503 naming redis while Redis is unreachable, ready again once it is back', async () => {
    expect(await probeReadiness(app.url)).toMatchObject({
      status: 503,
      body: { status: 'unavailable', service: WEBAPI_GATEWAY_SERVICE, failing: ['session-engines'] },
    });
    await membership.heartbeat({ nodeId: 'engine-1', url: 'http://127.0.0.1:1/engine/rpc', draining: true, limited: false, sessions: 0 }, 60_000);
    expect(await probeReadiness(app.url)).toMatchObject({ status: 200, body: { status: 'ok', service: WEBAPI_GATEWAY_SERVICE } });

    await proxy.cut();
    const down = await untilReadiness(app.url, 503, 'a 503 while Redis is unreachable', 20_000);
    expect(down.body).toEqual({ status: 'unavailable', service: WEBAPI_GATEWAY_SERVICE, failing: ['redis', 'session-engines'] });

    await proxy.start();
    await untilReadiness(app.url, 200, 'a 200 once Redis is back', 30_000);
  }, 60_000);
});
