import { MemoryInteractionServer } from '@ocs/adapters-memory';
import { bootstrapApp, createLogger, type BootstrappedApp } from '@ocs/observability';
import { memoryEngine } from '@ocs/testing';
import { ESP_GATEWAY_SERVICE, EspGatewayModule } from './esp-gateway.module';

const SECRET = 'an-esp-secret-of-at-least-32-characters';
let gateway: BootstrappedApp;

beforeAll(async () => {
  const engine = memoryEngine();
  const logger = createLogger({ service: ESP_GATEWAY_SERVICE, level: 'silent' });
  const module = EspGatewayModule.forRoot({ engine, routing: new MemoryInteractionServer(), secret: SECRET });
  gateway = await bootstrapApp(module, { service: ESP_GATEWAY_SERVICE, host: '127.0.0.1', port: 0, logger });
});

afterAll(() => gateway.app.close());

const esp = (authorization?: string) =>
  fetch(`${gateway.url}/esp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ Service: 'Chat', Method: 'Message', Parameters: { InteractionId: 'I-none', MessageText: 'hi' } }),
  });

describe('[server] esp-secret', () => {
  it('refuses ESP requests and the router surface without the secret (401) or with another one (403)', async () => {
    expect((await esp()).status).toBe(401);
    expect(await (await esp('Bearer wrong')).json()).toEqual({ error: { message: 'wrong secret: send the [server] esp-secret' } });
    expect((await fetch(`${gateway.url}/router/queues`)).status).toBe(401);
    expect((await fetch(`${gateway.url}/router/interactions/I-none/take`, { method: 'POST' })).status).toBe(401);
  });

  it('serves them with the secret, and leaves health and metrics open to probes', async () => {
    // Past the secret: ESP itself answers (a fault: no such interaction).
    const reply = await esp(`Bearer ${SECRET}`);
    expect(await reply.json()).toMatchObject({ Event: 'Event3rdServerFault' });
    expect((await fetch(`${gateway.url}/router/queues`, { headers: { authorization: `Bearer ${SECRET}` } })).status).toBe(200);
    expect((await fetch(`${gateway.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${gateway.url}/metrics`)).status).toBe(200);
  });
});
