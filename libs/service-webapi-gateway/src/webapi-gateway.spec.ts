import { DEFAULT_RULES } from '@ocs/chat-domain';
import { MemoryUcs } from '@ocs/adapters-memory';
import { bootstrapApp, createLogger, type BootstrappedApp } from '@ocs/observability';
import { GmsCometdClient, GmsRestClient, memoryEngine } from '@ocs/testing';
import { WEBAPI_GATEWAY_SERVICE, WebapiGatewayModule } from './webapi-gateway.module';

const SHOP = 'https://shop.example';
const LIMIT = 3;

/** The gateway module on a real engine behind a loopback HTTP server. */
async function gateway(corsOrigins: string[]): Promise<BootstrappedApp> {
  const engine = memoryEngine();
  return bootstrapApp(
    WebapiGatewayModule.forRoot({
      alias: '1',
      services: { 'customer-support': { tenantDbid: 1, endpoint: 'default' } },
      corsOrigins,
      authBackoff: { limit: LIMIT, intervalMs: 60_000, backoffMs: 60_000 },
      maxRequestBytes: 128 * 1024,
      maxRequestFields: 200,
      replyLimits: { maxEvents: 1000, maxTextBytes: 1_048_576 },
      cometd: { path: '/genesys/cometd', timeoutSeconds: 5, maxBatch: 50, handshakeLimit: 100, handshakeIntervalSeconds: 10, jsonp: false },
      uploadMaxFileBytes: 1024,
      agent: { tokens: [], wsPath: '/agent/ws', heartbeatMs: 0, registerTimeoutMs: 10_000, nicknameMaxLength: DEFAULT_RULES.nicknameMaxLength },
      engine,
      ucs: new MemoryUcs(),
    }),
    { service: WEBAPI_GATEWAY_SERVICE, host: '127.0.0.1', port: 0, logger: createLogger({ service: 'test', level: 'silent' }) },
  );
}

/** A gateway started before the suite's tests and closed after them; the getter gives it to the tests. */
function gatewayPerSuite(corsOrigins: string[]): () => BootstrappedApp {
  let app: BootstrappedApp | undefined;
  beforeAll(async () => {
    app = await gateway(corsOrigins);
  });
  afterAll(async () => {
    await app?.app.close();
  });
  return () => {
    if (!app) throw new Error('the gateway did not start');
    return app;
  };
}

/** The CORS headers of a reply, by lower-case name. */
function corsHeaders(response: Response): Record<string, string> {
  return Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-')));
}

function preflight(url: string, origin: string): Promise<Response> {
  return fetch(url, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
  });
}

function simplePost(url: string, origin: string, body: string, type = 'application/x-www-form-urlencoded'): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { Origin: origin, 'content-type': type }, body });
}

const bayeuxHandshake = JSON.stringify([{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] }]);

/** A preflight and a request from `origin`, on REST (a Request Chat) and on CometD (a handshake). */
async function crossOriginReplies(app: BootstrappedApp, origin: string): Promise<Response[]> {
  const rest = `${app.url}/genesys/2/chat/customer-support`;
  const cometd = `${app.url}/genesys/cometd`;
  return [
    await preflight(rest, origin),
    await simplePost(rest, origin, 'nickname=Ann'),
    await preflight(cometd, origin),
    await simplePost(cometd, origin, bayeuxHandshake, 'application/json'),
  ];
}

describe('webapi-gateway CORS', () => {
  describe('cors-origins empty (the default)', () => {
    const served = gatewayPerSuite([]);

    it('gives no origin any CORS header, preflight or request, on REST and CometD', async () => {
      const replies = await crossOriginReplies(served(), SHOP);
      for (const response of replies) expect(corsHeaders(response)).toEqual({});
      expect(replies[1].status).toBe(200);
    });
  });

  describe('cors-origins = *', () => {
    const served = gatewayPerSuite(['*']);

    it('answers any origin with * and no credentials, on REST and CometD, preflight and request', async () => {
      for (const response of await crossOriginReplies(served(), 'https://evil.example')) {
        expect(response.ok).toBe(true);
        expect(corsHeaders(response)['access-control-allow-origin']).toBe('*');
        expect(corsHeaders(response)['access-control-allow-credentials']).toBeUndefined();
      }
    });
  });

  describe('cors-origins = a list', () => {
    const served = gatewayPerSuite([SHOP, 'https://m.shop.example']);

    it('answers a listed origin with itself and credentials, on REST and CometD', async () => {
      const replies = await crossOriginReplies(served(), SHOP);
      for (const response of replies) {
        expect(corsHeaders(response)).toMatchObject({ 'access-control-allow-origin': SHOP, 'access-control-allow-credentials': 'true' });
        expect(response.headers.get('vary')).toContain('Origin');
      }
    });

    it('gives any other origin no CORS header at all, on REST and CometD', async () => {
      const replies = await crossOriginReplies(served(), 'https://evil.example');
      for (const response of replies) expect(corsHeaders(response)).toEqual({});
      // The request itself is served (CORS is the browser's to enforce): a chat was created.
      expect(replies[1].status).toBe(200);
    });
  });
});

describe('webapi-gateway backoff after wrong chat credentials', () => {
  const served = gatewayPerSuite(['*']);

  it(`refuses an address with 429 once it sent ${LIMIT} wrong credentials, REST and CometD alike, without checking them`, async () => {
    const app = served();
    const ann = new GmsRestClient(app.url);
    await ann.requestChat({ nickname: 'Ann' });
    const guess = new GmsRestClient(app.url);
    Object.assign(guess, { chatId: ann.chatId, userId: ann.userId, alias: ann.alias });
    for (let i = 0; i < LIMIT; i++) {
      guess.secureKey = `guess-${i}`;
      expect((await guess.op('refresh')).body.errors).toEqual([{ code: 404, message: 'chat session not found, or the credentials do not match it' }]);
    }
    const refused = await ann.op('refresh');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({
      statusCode: 1,
      errors: [{ code: 429, message: 'too many requests with wrong chat credentials from this address; try again in 60 s' }],
    });

    const cometd = await GmsCometdClient.connect(`${app.url}/genesys/cometd`, 'long-polling');
    try {
      cometd.secureKey = ann.secureKey;
      await cometd.publish({ operation: 'refresh', transcriptPosition: 1 });
      expect(await cometd.inbox.next((r) => (r.errors?.length ?? 0) > 0, 'the refusal')).toMatchObject({ errors: [{ code: 429 }] });
      // Starting a chat presents no credentials: still served.
      expect((await new GmsRestClient(app.url).requestChat({ nickname: 'Bea' })).status).toBe(200);
    } finally {
      await new Promise((resolve) => cometd.cometd.disconnect(resolve));
    }
  });
});
