import { createLogger } from '@ocs/observability';
import { Writable } from 'node:stream';
import { startEmbedded, type Embedded } from './embedded';
import { testConfig } from './test/test-config';

/** The embedded product started with `env`, every service logging from `warn` on into the returned lines. */
async function startLogged(env: Record<string, string>): Promise<{ embedded: Embedded; lines: unknown[] }> {
  const lines: unknown[] = [];
  const logs = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const embedded = await startEmbedded(testConfig(env), (service) => createLogger({ service, level: 'warn' }, logs));
  return { embedded, lines };
}

describe('embedded start-up', () => {
  it.each([
    ['without a health port', {}],
    ['with the counters logged but not served', { 'OCS__health-service__log-output-timeout': '60' }],
  ])('%s: logs no warning or error, and has no health URL', async (_case, env) => {
    const { embedded, lines } = await startLogged(env);
    try {
      expect(lines).toEqual([]);
      expect(embedded.urls.health).toBeUndefined();
      expect(Object.keys(embedded.urls).sort()).toEqual(['esp-gateway', 'push-notifier', 'reporting-attacher', 'session-engine', 'webapi-gateway']);
    } finally {
      await embedded.close();
    }
  });

  it('with a health port: logs no warning or error, and serves GET /Counters at its health URL', async () => {
    const { embedded, lines } = await startLogged({ 'OCS__server__health-port': '0' });
    try {
      expect(lines).toEqual([]);
      expect(embedded.urls.health).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const reply = await fetch(`${embedded.urls.health}/Counters?content=all`);
      expect(reply.status).toBe(200);
      expect(await reply.json()).toMatchObject({ session_created: 0 });
    } finally {
      await embedded.close();
    }
  });
});
