import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import type { ChatEngineApi, SessionView } from '@ocs/chat-engine';
import { bootstrapApp, createLogger } from '@ocs/observability';
import { Inbox } from '@ocs/testing';
import type { WireError } from '@ocs/contracts';
import { gatewayChannel, type AttachmentMessage } from './protocol';
import { EngineRpcServer, rpcRequestListener, type NodeEngine } from './rpc-server';
import { actor, AGENT, CUSTOMER, TestCluster, type TestNode } from './test/cluster';

async function post(url: string, body: unknown): Promise<{ status: number; body: { result?: unknown; error?: WireError } }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { result?: unknown; error?: WireError } };
}

let cluster: TestCluster;
let a: TestNode;

beforeEach(async () => {
  cluster = new TestCluster();
  a = await cluster.node('A');
});

afterEach(() => cluster.close());

async function chat(node: TestNode) {
  const customer = await node.engine.createSession({ creator: CUSTOMER });
  const agent = await node.engine.join(customer.party.sessionId, AGENT);
  return { sessionId: customer.party.sessionId, customer: actor(customer.party), agent: actor(agent.party) };
}

/** Views published on a gateway's channel, by attachment. */
async function channel(gatewayId: string): Promise<Inbox<AttachmentMessage>> {
  const inbox = new Inbox<AttachmentMessage>();
  await cluster.fanOut.subscribe(gatewayChannel(gatewayId), (message) => inbox.push(JSON.parse(message) as AttachmentMessage));
  return inbox;
}

const saying = (text: string) => (m: AttachmentMessage) => m.view.events.some((e) => e.event.kind === 'message' && e.event.text === text);

describe('EngineRpcServer over HTTP', () => {
  it('runs a call on the engine and answers its result as JSON', async () => {
    const { customer } = await chat(a);
    const answer = await post(a.url, { method: 'read', args: [customer, 0] });
    expect(answer).toEqual({ status: 200, body: { result: JSON.parse(JSON.stringify(await a.engine.read(customer, 0))) } });
    expect(await post(a.url, { method: 'findParty', args: ['no such key'] })).toEqual({ status: 200, body: {} });
  });

  it('counts the well-formed calls it takes, by method', async () => {
    const { customer } = await chat(a);
    await post(a.url, { method: 'read', args: [customer, 0] });
    await post(a.url, { method: 'read', args: [customer, 0] });
    await post(a.url, { method: 'message', args: [{ ...customer, secureKey: 'wrong' }, { text: 'refused, still taken' }] });
    await post(a.url, { method: 'read', args: ['malformed'] });
    expect(Object.fromEntries(a.rpc.callsServed())).toEqual({ read: 2, message: 1 });
  });

  it.each([
    ['a body that is not JSON', '{"method":', 'request body is not JSON'],
    ['a body without a method', { args: [] }, 'unknown method "undefined"'],
    ['an unknown method', { method: 'shutdown', args: [] }, 'unknown method "shutdown"'],
    ['a method of every object', { method: 'toString', args: [] }, 'unknown method "toString"'],
    ['missing arguments', { method: 'read', args: [{ sessionId: 'S', userId: 'U', secureKey: 'K' }] }, 'malformed arguments of read'],
    ['arguments that are not a list', { method: 'placeOnHold', args: 'S' }, 'malformed arguments of placeOnHold'],
    ['an argument too many', { method: 'sessionInfo', args: ['S', 'T'] }, 'malformed arguments of sessionInfo'],
    ['an actor without its key', { method: 'message', args: [{ sessionId: 'S', userId: 'U' }, { text: 'x' }] }, 'malformed arguments of message'],
    ['a request that is not an object', { method: 'join', args: ['S', 'AGENT'] }, 'malformed arguments of join'],
    ['a negative position', { method: 'read', args: [{ sessionId: 'S', userId: 'U', secureKey: 'K' }, -1] }, 'malformed arguments of read'],
    [
      'an attachment without its gateway',
      { method: 'attach', args: [{ sessionId: 'S', userId: 'U', secureKey: 'K' }, 0, { attachmentId: 'x' }] },
      'malformed arguments of attach',
    ],
  ])('refuses %s with 400 naming the problem', async (_case, body, problem) => {
    const answer = await post(a.url, body);
    expect(answer.status).toBe(400);
    expect(answer.body.error?.message).toContain(problem);
    expect(answer.body.error?.code).toBeUndefined();
  });

  it('answers 404 off its path or method, and 413 past its body limit', async () => {
    expect((await fetch(a.url)).status).toBe(404);
    expect((await post(a.url.replace('/engine/rpc', '/other'), { method: 'findParty', args: ['k'] })).status).toBe(404);
    const small = createServer(rpcRequestListener(a.rpc, '/rpc', 64));
    await new Promise<void>((resolve) => small.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(small.address() as AddressInfo).port}/rpc`;
      expect((await post(url, { method: 'findParty', args: ['k'] })).status).toBe(200);
      const tooLarge = await post(url, { method: 'findParty', args: ['k'.repeat(100)] });
      expect(tooLarge).toEqual({ status: 413, body: { error: { message: 'request body larger than 64 bytes' } } });
    } finally {
      small.closeAllConnections();
      await new Promise((resolve) => small.close(resolve));
    }
  });

  it('answers the engine’s refusals with their code and message', async () => {
    const { customer } = await chat(a);
    expect(await post(a.url, { method: 'read', args: [{ ...customer, secureKey: 'wrong' }, 0] })).toEqual({
      status: 404,
      body: { error: { code: 'SESSION_NOT_FOUND', message: 'chat session not found, or the credentials do not match it', credentials: 'refused' } },
    });
    const invisible = await post(a.url, { method: 'message', args: [customer, { text: 'x', visibility: 'SECRET' }] });
    expect(invisible.status).toBe(422);
    expect(invisible.body.error?.code).toBe('INVALID_VISIBILITY');
  });

  it('answers NOT_OWNER with 409 and the owner', async () => {
    const b = await cluster.node('B');
    const { sessionId, customer } = await chat(a);
    expect(await post(b.url, { method: 'read', args: [customer, 0] })).toEqual({
      status: 409,
      body: { error: { code: 'NOT_OWNER', message: `chat session ${sessionId} is served by node A`, owner: 'A' } },
    });
  });

  it('hides other errors behind a generic 500 and reports them', async () => {
    const reported: unknown[] = [];
    const failure = new Error('connection to db-7 refused');
    const engine: Pick<ChatEngineApi, 'sessionInfo'> = { sessionInfo: () => Promise.reject(failure) };
    const server = new EngineRpcServer({ engine: engine as NodeEngine, fanOut: cluster.fanOut, onError: (error) => reported.push(error) });
    expect(await server.handle({ method: 'sessionInfo', args: ['S'] })).toEqual({ status: 500, body: { error: { message: 'internal error' } } });
    expect(reported).toEqual([failure]);
  });
});

describe('remote attachments', () => {
  it('publish every view on the gateway’s channel, tagged with the attachment, until detached', async () => {
    const { customer, agent } = await chat(a);
    const views = await channel('g1');
    const attached = await post(a.url, { method: 'attach', args: [agent, 0, { gatewayId: 'g1', attachmentId: 'x1' }] });
    expect(attached.status).toBe(200);
    expect((attached.body.result as SessionView).events.map((e) => e.event.kind)).toEqual(['newParty', 'newParty']);

    await a.engine.message(customer, { text: 'first' });
    expect(await views.next(saying('first'), 'first message')).toMatchObject({ attachmentId: 'x1', view: { userId: agent.userId } });

    expect(await post(a.url, { method: 'detach', args: ['x1'] })).toEqual({ status: 200, body: {} });
    await post(a.url, { method: 'attach', args: [customer, 0, { gatewayId: 'g1', attachmentId: 'x2' }] });
    await a.engine.message(customer, { text: 'second' });
    expect((await views.next(saying('second'), 'second message')).attachmentId).toBe('x2');
    expect(views.history.filter(saying('second')).map((m) => m.attachmentId)).toEqual(['x2']);
    expect(cluster.errors).toEqual([]);
  });

  it('of a gateway that left are dropped', async () => {
    const { customer, agent } = await chat(a);
    const left = await channel('g1');
    const staying = await channel('g2');
    await a.rpc.handle({ method: 'attach', args: [agent, 0, { gatewayId: 'g1', attachmentId: 'x1' }] });
    await a.rpc.handle({ method: 'attach', args: [customer, 0, { gatewayId: 'g1', attachmentId: 'x2' }] });
    await a.rpc.handle({ method: 'attach', args: [agent, 0, { gatewayId: 'g2', attachmentId: 'y1' }] });
    a.rpc.detachGateway('g1');
    await a.engine.message(customer, { text: 'after g1 left' });
    // g1's views, were there any, would have been published before g2's.
    await staying.next(saying('after g1 left'), 'view on g2');
    expect(left.history).toEqual([]);
  });
});

describe('rpcRequestListener in a Nest app', () => {
  @Module({})
  class EngineRpcModule implements NestModule {
    constructor(private readonly rpc: EngineRpcServer) {}

    configure(consumer: MiddlewareConsumer): void {
      consumer.apply(rpcRequestListener(this.rpc)).forRoutes({ path: 'engine/rpc', method: RequestMethod.POST });
    }
  }

  it('takes the body the app’s JSON parser read', async () => {
    const logger = createLogger({ service: 'session-engine', level: 'silent' });
    const { app, url } = await bootstrapApp(
      { module: EngineRpcModule, providers: [{ provide: EngineRpcServer, useValue: a.rpc }] },
      { service: 'session-engine', host: '127.0.0.1', port: 0, logger },
    );
    try {
      const created = await post(`${url}/engine/rpc`, { method: 'createSession', args: [{ creator: CUSTOMER }] });
      expect(created.status).toBe(200);
      expect(a.engine.sessionCount).toBe(1);
      expect((await post(`${url}/engine/rpc`, { method: 'read', args: [] })).status).toBe(400);
    } finally {
      await app.close();
    }
  });
});
