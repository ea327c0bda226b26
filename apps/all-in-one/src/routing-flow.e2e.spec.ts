import { AgentTestClient, GmsRestClient, until } from '@ocs/testing';
import { AGENT_TOKEN, startTestProduct, type TestProduct } from './test/product';

interface Interaction {
  interactionId: string;
  sessionId: string;
  state: string;
  properties: Record<string, string>;
}

interface Taken extends Interaction {
  join: Record<string, unknown>;
}

async function http<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: response.status, body: (await response.json()) as T };
}

/** The routing side of a test: the router surface and ESP, as a person and a workflow use them. */
function routing(product: TestProduct) {
  const interaction = async (id: string) => (await http<Interaction>('GET', `${product.esp}/router/interactions/${id}`)).body;
  return {
    interaction,
    waitingFor: (sessionId: string) =>
      until(
        async () => (await http<Interaction[]>('GET', `${product.esp}/router/queues/chat_inbound/interactions`)).body.find((i) => i.sessionId === sessionId),
        'the interaction in its queue',
      ),
    take: async (id: string) => (await http<Taken>('POST', `${product.esp}/router/interactions/${id}/take`)).body,
    requeue: async (id: string) => expect((await http('POST', `${product.esp}/router/interactions/${id}/requeue`)).status).toBe(200),
    esp: (method: string, parameters: Record<string, string>) =>
      http<{ Event: string; Parameters?: Record<string, unknown>; FaultString?: string }>('POST', `${product.esp}/esp`, {
        Service: 'Chat',
        Method: method,
        Parameters: parameters,
        UserData: {},
      }),
    status: (id: string, expected: string) =>
      until(async () => ((await interaction(id)).properties.GCTI_Chat_AsyncStatus === expected ? true : undefined), `GCTI_Chat_AsyncStatus ${expected}`),
  };
}

const agents: AgentTestClient[] = [];

async function agentFromRouter(product: TestProduct, join: Record<string, unknown>, nickname: string): Promise<AgentTestClient> {
  const agent = await AgentTestClient.connect(product.agentUrl);
  agents.push(agent);
  await agent.expect('registered', { type: 'register', token: AGENT_TOKEN, nickname, userType: 'AGENT' });
  await agent.expect('sessionInfo', join);
  return agent;
}

afterEach(async () => {
  for (const a of agents.splice(0)) await a.close();
});

describe('routing flow in the all-in-one', () => {
  let product: TestProduct;
  beforeAll(async () => {
    product = await startTestProduct();
  });
  afterAll(async () => {
    await product.embedded.close();
  });

  it('queues the chat, lets a person route it to an agent, takes workflow requests, tracks async status, and closes into UCS', async () => {
    const r = routing(product);
    const ann = new GmsRestClient(product.gateway);
    await ann.requestChat({ nickname: 'Ann', emailAddress: 'ann@example.com', 'userData[GCTI_Chat_AsyncMode]': 'true' });

    const queued = await r.waitingFor(ann.chatId);
    expect(queued.properties).toMatchObject({
      ChatServerAppName: 'ChatServer',
      IsOnline: '1',
      GCTI_Chat_AsyncMode: 'true',
      GCTI_Chat_AsyncStatus: '1',
      EmailAddress: 'ann@example.com',
      ContactID: expect.stringMatching(/^[0-9A-F]{16}$/),
    });
    const id = queued.interactionId;

    const taken = await r.take(id);
    const bob = await agentFromRouter(product, taken.join, 'Bob');
    await r.status(id, '-1');

    const workflow = await r.esp('Message', { InteractionId: id, MessageText: 'Bob will help you today.', Nickname: 'Concierge' });
    expect(workflow.body).toMatchObject({ Event: 'Event3rdServerResponse', Parameters: { ScriptPos: expect.any(Number) } });
    expect(await ann.waitFor((m) => m.text === 'Bob will help you today.', 'workflow message')).toMatchObject({
      type: 'Message',
      from: { nickname: 'Concierge', type: 'External' },
    });

    await bob.expect('ack', { type: 'releaseParty', sessionId: ann.chatId, afterAction: 'KEEP_ALIVE' });
    expect((await r.esp('PlaceOnHold', { InteractionId: id })).body.Event).toBe('Event3rdServerResponse');
    await r.status(id, '-2');
    await r.requeue(id);

    await ann.op('send', { message: 'Are you still there?' });
    await r.status(id, '2');

    const carl = await agentFromRouter(product, (await r.take(id)).join, 'Carl');
    await r.status(id, '-1');
    carl.ws.terminate();
    await r.status(id, '4');
    await r.requeue(id);

    const dave = await agentFromRouter(product, (await r.take(id)).join, 'Dave');
    await r.status(id, '-1');
    await dave.expect('ack', { type: 'releaseParty', sessionId: ann.chatId, afterAction: 'KEEP_ALIVE', transferred: true });
    await r.status(id, '5');

    const closed = await r.esp('CloseSession', { InteractionId: id });
    expect(closed.body.Parameters).toMatchObject({ IsClosed: 1 });
    expect((await ann.op('refresh')).body.chatEnded).toBe(true);

    await until(async () => ((await r.interaction(id)).properties.IsOnline === '0' ? true : undefined), 'IsOnline=0');
    const record = await until(async () => {
      const stored = await product.embedded.ucs.getInteraction(id);
      return stored?.closedAt ? stored : undefined;
    }, 'the final transcript in UCS');
    expect(record.sessionId).toBe(ann.chatId);
    expect(record.contactId).toBe(queued.properties.ContactID);
    expect(record.transcript).toContain('Are you still there?');
    expect(record.transcript).toContain('userNick="Concierge"');
  });

  it('identifies the contact: created, then matched by EmailAddress with user data winning, or anonymous', async () => {
    const r = routing(product);
    const start = async (fields: Record<string, string>) => {
      const customer = new GmsRestClient(product.gateway);
      await customer.requestChat(fields);
      const queued = await r.waitingFor(customer.chatId);
      await r.take(queued.interactionId);
      return queued.properties;
    };
    const created = await start({ firstName: 'Zoe', lastName: 'Ng', emailAddress: 'zoe@example.com' });
    expect(created.ContactID).toMatch(/^[0-9A-F]{16}$/);
    const matched = await start({ firstName: 'Zoey', lastName: 'Ng', emailAddress: 'zoe@example.com' });
    expect(matched).toMatchObject({ ContactID: created.ContactID, FirstName: 'Zoey', EmailAddress: 'zoe@example.com' });
    const again = await start({ nickname: 'Z', emailAddress: 'zoe@example.com' });
    expect(again).toMatchObject({ ContactID: created.ContactID, FirstName: 'Zoe', LastName: 'Ng' });
    const anonymous = await start({ nickname: 'Guest' });
    expect(anonymous.ContactID).toBeUndefined();
  });

  it('closes the session when routing stops its interaction', async () => {
    const r = routing(product);
    const ann = new GmsRestClient(product.gateway);
    await ann.requestChat({ nickname: 'Ann' });
    const { interactionId } = await r.waitingFor(ann.chatId);
    expect((await http('POST', `${product.esp}/router/interactions/${interactionId}/stop`)).status).toBe(200);
    await until(async () => ((await ann.op('refresh')).body.chatEnded ? true : undefined), 'the chat to end');
  });
});

describe('async inactivity in the all-in-one', () => {
  let product: TestProduct;
  beforeAll(async () => {
    product = await startTestProduct({ OCS__settings__async_idle_alert: '1', OCS__settings__async_idle_close: '60' });
  });
  afterAll(async () => {
    await product.embedded.close();
  });

  it('alerts an idle async chat (status 3) and tells the customer', async () => {
    const r = routing(product);
    const ann = new GmsRestClient(product.gateway);
    await ann.requestChat({ nickname: 'Ann', 'userData[GCTI_Chat_AsyncMode]': 'true' });
    const { interactionId } = await r.waitingFor(ann.chatId);
    await r.status(interactionId, '3');
    expect(await ann.waitFor((m) => m.type === 'IdleAlert', 'the idle alert')).toMatchObject({
      from: { type: 'System' },
      userData: { 'next-idle-timer-type': 'CLOSE', 'next-idle-timer-secs': '60' },
    });
  });
});
