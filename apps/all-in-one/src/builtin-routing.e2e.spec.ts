import type { RoutingServerEvent, ServerEvent } from '@ocs/agent-protocol';
import type { RoutingAgentMessage } from '@ocs/contracts';
import { AgentTestClient, GmsRestClient, until } from '@ocs/testing';
import { AGENT_TOKEN, startTestProduct, type TestProduct } from './test/product';

type Message<K extends RoutingAgentMessage['type']> = Extract<RoutingAgentMessage, { type: K }>;

const agents: AgentTestClient[] = [];
let product: TestProduct;

beforeAll(async () => {
  product = await startTestProduct({
    OCS__routing__mode: 'builtin',
    'OCS__routing__agent-grace-period': '1',
    'OCS__queue_chat_inbound__offer-timeout': '1',
    OCS__queue_pick_queue__strategy: 'manual',
  });
});

afterAll(async () => {
  for (const a of agents.splice(0)) await a.close();
  await product.embedded.close();
});

async function agent(nickname: string, capacity: number): Promise<AgentTestClient> {
  const client = await AgentTestClient.connect(product.agentUrl);
  agents.push(client);
  await client.expect('registered', { type: 'register', token: AGENT_TOKEN, nickname, userType: 'AGENT' });
  const reply = await client.expect('routing', { type: 'routingLogin', capacity: { chat: capacity }, queues: ['chat_inbound', 'pick_queue'], ready: true });
  expect(reply.event).toMatchObject({ type: 'presence', agent: { agentId: nickname, ready: true, capacity: { chat: capacity } } });
  return client;
}

/** The next routing message of `type` the agent hears (for `interactionId`, if given). */
async function heard<K extends RoutingAgentMessage['type']>(client: AgentTestClient, type: K, interactionId?: string): Promise<Message<K>> {
  const event = await client.next(
    (e: ServerEvent) => {
      if (e.type !== 'routing') return false;
      const m = (e as RoutingServerEvent).event;
      return m.type === type && (interactionId === undefined || ('interactionId' in m && m.interactionId === interactionId));
    },
    `routing ${type}${interactionId ? ` of ${interactionId}` : ''}`,
  );
  return (event as RoutingServerEvent).event as Message<K>;
}

async function customer(nickname: string): Promise<GmsRestClient> {
  const client = new GmsRestClient(product.gateway);
  expect((await client.requestChat({ nickname })).body.statusCode).toBe(0);
  return client;
}

async function properties(interactionId: string): Promise<Record<string, string>> {
  const response = await fetch(`${product.esp}/router/interactions/${interactionId}`);
  return ((await response.json()) as { properties: Record<string, string> }).properties;
}

describe('built-in routing in the all-in-one, over the agent WebSocket and the customer REST API', () => {
  it('refuses a bad presence request naming the field, and a queue routing does not have', async () => {
    const client = await AgentTestClient.connect(product.agentUrl);
    agents.push(client);
    await client.expect('registered', { type: 'register', token: AGENT_TOKEN, nickname: 'eve', userType: 'AGENT' });
    expect(await client.request({ type: 'routingReady' })).toMatchObject({
      type: 'error',
      code: 'BAD_REQUEST',
      message: 'send routingLogin before routingReady',
    });
    expect(await client.request({ type: 'routingLogin', capacity: { chat: -1 }, queues: ['chat_inbound'] })).toMatchObject({
      type: 'error',
      message: 'field capacity.chat: expected a whole number from 0 to 1000',
    });
    const unknown = await client.expect('routing', { type: 'routingLogin', capacity: { chat: 1 }, queues: ['nowhere'] });
    expect(unknown.event).toMatchObject({ type: 'refused', code: 'UNKNOWN_QUEUE', message: expect.stringContaining('"nowhere"') });
    await client.close();
  });

  it('offers by longest idle, redirects on no answer and on decline, requeues a lost agent’s chat, transfers, and lets an agent pick', async () => {
    const ann = await agent('ann', 2);
    const bob = await agent('bob', 1);

    // Ann has been idle longest: the first chat is hers; accepting hands her the join of its session.
    const first = await customer('Carol');
    const offer1 = await heard(ann, 'offer');
    const routed1 = (await ann.expect('routing', { type: 'routingAccept', offerId: offer1.offerId })).event as Message<'routed'>;
    expect(routed1).toMatchObject({ type: 'routed', interactionId: offer1.interactionId, sessionId: first.chatId });
    expect(await ann.request(routed1.join)).toMatchObject({ type: 'sessionInfo', sessionId: first.chatId });
    expect(
      await until(async () => ((p) => (p.RoutingStatus === 'routed' ? p : undefined))(await properties(offer1.interactionId)), 'routed properties'),
    ).toMatchObject({
      IsOnline: '1',
      RoutingQueue: 'chat_inbound',
      RTargetAgentSelected: 'ann',
    });

    // Bob is idle longest now; he does not answer, so the chat goes to Ann, who declines it.
    await customer('Dave');
    const offer2 = await heard(bob, 'offer');
    expect(await heard(bob, 'offer-ended', offer2.interactionId)).toMatchObject({ reason: 'no-answer' });
    const again = await heard(ann, 'offer', offer2.interactionId);
    expect(again.offerId).not.toBe(offer2.offerId);
    expect((await ann.expect('routing', { type: 'routingDecline', offerId: again.offerId })).event).toMatchObject({ type: 'done' });
    expect(await heard(ann, 'offer-ended', offer2.interactionId)).toMatchObject({ reason: 'declined' });

    // A third chat goes to Bob, who accepts it and loses his connection: after the grace it goes back and to Ann.
    await customer('Erin');
    const third = await heard(bob, 'offer');
    expect(third.interactionId).not.toBe(offer2.interactionId);
    await bob.expect('routing', { type: 'routingAccept', offerId: third.offerId });
    await bob.close();
    const requeued = await heard(ann, 'offer', third.interactionId);
    expect(requeued.queue).toBe('chat_inbound');

    // Ann transfers her first chat to the manual queue, sees it there and picks it back.
    expect((await ann.expect('routing', { type: 'routingTransfer', interactionId: offer1.interactionId, queue: 'pick_queue' })).event).toMatchObject({
      type: 'done',
    });
    const view = await until(async () => {
      const reply = (await ann.expect('routing', { type: 'routingQueue', queue: 'pick_queue' })).event as Message<'queue'>;
      return reply.waiting.some((w) => w.interactionId === offer1.interactionId) ? reply : undefined;
    }, 'the transferred chat in the manual queue');
    expect(view.queue).toBe('pick_queue');
    expect((await ann.expect('routing', { type: 'routingPick', interactionId: offer1.interactionId })).event).toMatchObject({
      type: 'routed',
      interactionId: offer1.interactionId,
      queue: 'pick_queue',
    });
    expect(await properties(offer1.interactionId)).toMatchObject({ RoutingQueue: 'pick_queue', RTargetAgentSelected: 'ann' });

    const metrics = await (await fetch(`${product.esp}/metrics`)).text();
    expect(metrics).toMatch(/ocs_routing_offers_total\{tenant="1",queue="chat_inbound",outcome="redirected-no-answer"\} 1/);
    expect(metrics).toMatch(/ocs_routing_offers_total\{tenant="1",queue="chat_inbound",outcome="declined"\} 1/);
    expect(metrics).toMatch(/ocs_routing_wait_seconds_count\{tenant="1",queue="chat_inbound"\} 2/);
    expect(metrics).toMatch(/ocs_routing_queue_depth\{tenant="1",queue="pick_queue"\} 0/);
  });
});
