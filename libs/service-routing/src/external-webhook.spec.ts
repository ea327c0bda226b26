import { Module } from '@nestjs/common';
import { MemoryEventBus, MemoryFanOut, MemoryInteractionServer, MemoryRoutingStore } from '@ocs/adapters-memory';
import { ManualClock } from '@ocs/chat-domain/testing';
import { routingAgentChannel, TOPICS, webhookSignature, type RoutingAgentMessage, type RoutingCommandRecord } from '@ocs/contracts';
import { bootstrapApp, createLogger, ObservabilityModule, type BootstrappedApp } from '@ocs/observability';
import { PushReceiver, type ReceivedPush } from '@ocs/testing';
import { ExternalWebhook, readDecision } from './external-webhook';
import { RoutingRuntime } from './routing-runtime';
import { RoutingMetricsSink, RoutingModule } from './routing.module';

const TENANT = 1;
const SECRET = 'decider-signing-secret';
const ESP_SECRET = 'esp-secret-of-the-test';
const QUEUES = [
  { name: 'vip', strategy: 'external' as const, externalTimeoutMs: 10_000 },
  { name: 'sales', offerTimeoutMs: 10_000 },
];

@Module({})
class ExternalTestModule {}

let clock: ManualClock;
let bus: MemoryEventBus;
let fanOut: MemoryFanOut;
let interactions: MemoryInteractionServer;
let receiver: PushReceiver;
let webhook: ExternalWebhook;
let runtime: RoutingRuntime;
let app: BootstrappedApp;
let problems: string[];
let heard: RoutingAgentMessage[];
let seq: number;

type Command = RoutingCommandRecord extends infer C ? (C extends RoutingCommandRecord ? Omit<C, 'commandId' | 'tenant' | 'at'> : never) : never;

/** Every command handled, every request to the decider answered, and what they caused handled too. */
async function settle(): Promise<void> {
  for (let round = 0; round < 3; round++) {
    await bus.idle();
    await runtime.idle();
    await webhook.idle();
  }
  await new Promise((resolve) => setImmediate(resolve));
}

async function send(command: Command): Promise<void> {
  const value = { ...command, commandId: `c${++seq}`, tenant: TENANT, at: clock.now() } as RoutingCommandRecord;
  await bus.publish([{ topic: TOPICS.routingCommands, key: String(TENANT), value }]);
  await settle();
}

async function chat(sessionId: string): Promise<string> {
  const properties = { ChatServerSessionPassword: 'pw-1', FirstName: 'Zoë' };
  const { interactionId } = await interactions.submit({ tenantDbid: TENANT, queue: 'vip', mediaType: 'chat', sessionId, properties });
  await send({ type: 'enqueue', interactionId, queue: 'vip', mediaType: 'chat' });
  return interactionId;
}

function decide(body: unknown, authorization = `Bearer ${ESP_SECRET}`): Promise<{ status: number; json: unknown }> {
  const headers = { 'content-type': 'application/json', authorization };
  return fetch(`${app.url}/routing/decisions`, { method: 'POST', headers, body: JSON.stringify(body) }).then(async (r) => ({
    status: r.status,
    json: await r.json(),
  }));
}

const offers = (): RoutingAgentMessage[] => heard.filter((m) => m.type === 'offer');
const requestOf = (r: ReceivedPush): string => (r.body as { requestId: string }).requestId;

beforeEach(async () => {
  clock = new ManualClock();
  bus = new MemoryEventBus();
  fanOut = new MemoryFanOut();
  interactions = new MemoryInteractionServer();
  receiver = await PushReceiver.start({ path: '/decide' });
  problems = [];
  heard = [];
  seq = 0;
  webhook = new ExternalWebhook({
    bus,
    fanOut,
    interactions,
    clock,
    options: { urls: { vip: receiver.url }, timeoutMs: 300, signingSecret: SECRET },
    onProblem: (_tenant, message) => void problems.push(message),
  });
  runtime = new RoutingRuntime({
    store: new MemoryRoutingStore(),
    bus,
    fanOut,
    interactions,
    clock,
    options: { tenants: { [TENANT]: QUEUES }, sweepMs: 3_600_000 },
    askExternal: webhook.ask,
  });
  const decisions = { bus, fanOut, clock, tenants: new Set([TENANT]), waitMs: 2_000 };
  const routing = RoutingModule.forRoot({ runtime, metrics: new RoutingMetricsSink(), close: () => webhook.close(), decisions, secret: ESP_SECRET });
  const root = { module: ExternalTestModule, imports: [ObservabilityModule.forRoot({ service: 'routing-test' }), routing] };
  app = await bootstrapApp(root, { service: 'routing-test', host: '127.0.0.1', port: 0, logger: createLogger({ service: 'routing-test', level: 'silent' }) });
  await fanOut.subscribe(routingAgentChannel(TENANT, 'ann'), (m) => void heard.push(JSON.parse(m) as RoutingAgentMessage));
  await send({ type: 'login', agentId: 'ann', capacity: { chat: 2 }, skills: {}, queues: ['vip', 'sales'], ready: true });
});

afterEach(async () => {
  await app.app.close();
  await receiver.close();
});

describe('external queues: the decider over HTTP', () => {
  it('posts the interaction and the ready candidates, signed, and offers the chat to the agent the reply names', async () => {
    receiver.answer = () => ({ status: 200, body: '{"agentId":"ann"}' });
    const id = await chat('S1');
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request.body).toEqual({
      requestId: 'X1',
      tenant: TENANT,
      queue: 'vip',
      interaction: { interactionId: id, sessionId: 'S1', submittedAt: expect.any(Number), properties: { FirstName: 'Zoë' } },
      candidates: ['ann'],
      expiresAt: clock.now() + 10_000,
    });
    expect(request.headers['x-routing-request-id']).toBe('X1');
    expect(request.headers['x-routing-signature']).toBe(webhookSignature(SECRET, Math.floor(clock.now() / 1000), 'X1', request.raw));
    expect(offers()).toEqual([expect.objectContaining({ interactionId: id, queue: 'vip' })]);
    expect(problems).toEqual([]);
  });

  it('moves the chat to the queue the reply names', async () => {
    receiver.answer = () => ({ status: 200, body: '{"queue":"sales"}' });
    const id = await chat('S1');
    expect(offers()).toEqual([expect.objectContaining({ interactionId: id, queue: 'sales' })]);
  });

  it.each([
    ['a status that is not 2xx', { status: 500 }, 'answered status 500'],
    ['a body that is not JSON', { status: 200, body: 'ann' }, 'answered a bad reply: not JSON'],
    ['a body of the wrong shape', { status: 200, body: '{"agentId":42}' }, 'answered a bad reply: agentId must be a non-empty string'],
    ['no answer in time', 'hang' as const, 'gave no answer within 300 ms'],
  ])('keeps the chat queued on %s, says so, and asks again once external-timeout lapses', async (_what, answer, message) => {
    receiver.answer = () => answer;
    await chat('S1');
    expect(problems).toEqual([expect.stringContaining(`the external decider of queue vip (request X1) ${message}`)]);
    expect(problems[0]).toContain('the interaction stays queued and is asked again when external-timeout lapses');
    expect(offers()).toEqual([]);
    receiver.answer = () => ({ status: 200, body: '{"agentId":"ann"}' });
    clock.advance(10_000);
    await runtime.sweep();
    await settle();
    expect(receiver.received.map(requestOf)).toEqual(['X1', 'X2']);
    expect(offers()).toHaveLength(1);
  });

  it('reports a decision routing refuses (an agent who cannot take the chat), and the request stays open', async () => {
    receiver.answer = () => ({ status: 200, body: '{"agentId":"nobody"}' });
    await chat('S1');
    expect(problems).toEqual([expect.stringMatching(/^routing refused the decision of the external decider of queue vip \(request X1\) \(UNKNOWN_AGENT\)/)]);
    expect(offers()).toEqual([]);
  });

  it('takes a later decision at the decision endpoint, behind the ESP secret, answering what routing did', async () => {
    receiver.answer = () => 202;
    const id = await chat('S1');
    expect(offers()).toEqual([]);
    expect((await decide({ tenant: TENANT, requestId: 'X1', agentId: 'ann' }, '')).status).toBe(401);
    expect(await decide({ tenant: TENANT, requestId: 'X1', agentId: 'ann' })).toEqual({ status: 200, json: { requestId: 'X1', outcome: 'decided' } });
    await settle();
    expect(offers()).toEqual([expect.objectContaining({ interactionId: id, queue: 'vip' })]);
    expect(await decide({ tenant: TENANT, requestId: 'X1', queue: 'sales' })).toEqual({
      status: 409,
      json: { requestId: 'X1', outcome: 'refused', code: 'UNKNOWN_REQUEST', error: expect.stringContaining('no open external request "X1"') },
    });
  });

  it('refuses a bad decision naming the problem, and an unknown tenant', async () => {
    expect(await decide({ tenant: TENANT, requestId: 'X1', agentId: 'ann', queue: 'sales' })).toEqual({
      status: 400,
      json: { error: 'bad decision: name either an agentId or a queue' },
    });
    expect(await decide({ tenant: TENANT, requestId: '', agentId: 'ann' })).toMatchObject({
      status: 400,
      json: { error: expect.stringContaining('field requestId') },
    });
    expect(await decide({ tenant: 9, requestId: 'X1', agentId: 'ann' })).toEqual({ status: 404, json: { error: 'tenant 9 has no routing queues' } });
  });
});

describe('a decider’s reply', () => {
  it('names an agent, a queue, nothing now, or is refused naming why', () => {
    expect(readDecision('{"agentId":"ann"}')).toEqual({ targetAgentId: 'ann' });
    expect(readDecision('{"queue":"sales","agentId":null}')).toEqual({ queue: 'sales' });
    expect(readDecision('')).toBe('none');
    expect(readDecision('{}')).toBe('none');
    expect(readDecision('[1]')).toBe('expected a JSON object');
    expect(readDecision('{"agentId":"a","queue":"q"}')).toBe('name either an agentId or a queue, not both');
  });
});
