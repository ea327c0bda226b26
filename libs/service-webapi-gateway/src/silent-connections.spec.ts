import { DEFAULT_RULES } from '@ocs/chat-domain';
import { MemoryUcs } from '@ocs/adapters-memory';
import { bootstrapApp, createLogger, type BootstrappedApp } from '@ocs/observability';
import { memoryEngine } from '@ocs/testing';
import { connect, type Socket } from 'node:net';
import { WEBAPI_GATEWAY_SERVICE, WebapiGatewayModule } from './webapi-gateway.module';

const REGISTER_TIMEOUT_MS = 300;

let app: BootstrappedApp;
beforeAll(async () => {
  const engine = memoryEngine();
  app = await bootstrapApp(
    WebapiGatewayModule.forRoot({
      alias: '1',
      services: { 'customer-support': { tenantDbid: 1, endpoint: 'default' } },
      corsOrigins: [],
      authBackoff: { limit: 3, intervalMs: 60_000, backoffMs: 60_000 },
      maxRequestBytes: 128 * 1024,
      maxRequestFields: 200,
      replyLimits: { maxEvents: 1000, maxTextBytes: 1_048_576 },
      cometd: { path: '/genesys/cometd', timeoutSeconds: 5, maxBatch: 50, handshakeLimit: 100, handshakeIntervalSeconds: 10, jsonp: false },
      uploadMaxFileBytes: 1024,
      agent: { tokens: [], wsPath: '/agent/ws', heartbeatMs: 0, registerTimeoutMs: REGISTER_TIMEOUT_MS, nicknameMaxLength: DEFAULT_RULES.nicknameMaxLength },
      engine,
      ucs: new MemoryUcs(),
    }),
    { service: WEBAPI_GATEWAY_SERVICE, host: '127.0.0.1', port: 0, logger: createLogger({ service: 'test', level: 'silent' }) },
  );
});

afterAll(async () => {
  await app.app.close();
});

/** A raw TCP connection to the gateway, with what it received and when (ms after opening) it was closed. */
async function open(): Promise<{ socket: Socket; received: () => string; closedAfter: Promise<number> }> {
  const { hostname, port } = new URL(app.url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const start = Date.now();
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
  socket.on('error', () => undefined);
  const closedAfter = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - start)));
  return { socket, received: () => text, closedAfter };
}

/** Resolves to 'open' if the socket is still open after `ms`. */
function within(closed: Promise<number>, ms: number): Promise<number | 'open'> {
  return Promise.race([closed, new Promise<'open'>((resolve) => setTimeout(() => resolve('open'), ms))]);
}

describe('user-register-timeout on the gateway’s connections', () => {
  it('closes a connection that sends no request within the timeout', async () => {
    const { closedAfter, received } = await open();
    const closed = await within(closedAfter, 3000);
    expect(closed).not.toBe('open');
    expect(closed).toBeGreaterThanOrEqual(REGISTER_TIMEOUT_MS - 20);
    expect(received()).toBe('');
  });

  it('leaves a connection that made its request in time to HTTP keep-alive: it gets its answer and may send another', async () => {
    const { socket, received, closedAfter } = await open();
    const request = 'GET /health/live HTTP/1.1\r\nHost: test\r\n\r\n';
    socket.write(request);
    await new Promise((resolve) => setTimeout(resolve, 2 * REGISTER_TIMEOUT_MS));
    expect(await within(closedAfter, 0)).toBe('open');
    socket.write(request);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received().match(/HTTP\/1\.1 200/g)).toHaveLength(2);
    socket.destroy();
  });
});
