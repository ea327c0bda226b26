import { AgentTestClient, GmsCometdClient, GmsRestClient, type HttpReply } from '@ocs/testing';
import type { Embedded } from '@ocs/wiring';
import { AGENT_TOKEN as DESK, TestRouter, startTestProduct } from './test/product';

/**
 * Client message ids (our extension, docs/api): a message sent again with the id of one already stored is answered
 * as the first time and not stored twice, over REST (form field or `Idempotency-Key` header), CometD and the agent
 * WebSocket.
 */

let embedded: Embedded;
let gateway: string;
let agentUrl: string;
let router: TestRouter;
const clients: Array<{ close(): Promise<unknown> }> = [];

beforeAll(async () => {
  let esp: string;
  ({ embedded, gateway, agentUrl, esp } = await startTestProduct());
  router = new TestRouter(esp);
});

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
});

afterAll(async () => {
  await embedded.close();
});

/** A REST customer Ann with agent Bob joined. */
async function chat(): Promise<{ ann: GmsRestClient; bob: AgentTestClient }> {
  const ann = new GmsRestClient(gateway);
  expect((await ann.requestChat({ nickname: 'Ann' })).status).toBe(200);
  const bob = await agent();
  await bob.expect('sessionInfo', await router.join(ann.chatId));
  return { ann, bob };
}

async function agent(): Promise<AgentTestClient> {
  const bob = await AgentTestClient.connect(agentUrl);
  clients.push(bob);
  await bob.expect('registered', { type: 'register', token: DESK, nickname: 'Bob', userType: 'AGENT' });
  return bob;
}

/** The texts of the messages in the session's transcript, as the agent reads it from the start. */
async function messageTexts(bob: AgentTestClient, sessionId: string): Promise<string[]> {
  const view = await bob.expect('sessionInfo', { type: 'refresh', sessionId, fromPosition: 0 });
  return view.events.flatMap((e) => (e.kind === 'message' ? [e.text ?? ''] : []));
}

/** Ann's `send` as a client repeats it: the same form, with the transcript position it had before sending. */
function send(ann: GmsRestClient, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<HttpReply> {
  const form = { userId: ann.userId, secureKey: ann.secureKey, alias: ann.alias, transcriptPosition: '1', ...fields };
  return GmsRestClient.post(`${gateway}/genesys/2/chat/customer-support/${ann.chatId}/send`, form, headers);
}

const shown = (reply: HttpReply) => reply.body.messages.filter((m) => m.type === 'Message').map((m) => [m.index, m.text]);

describe('client message ids over the customer REST API', () => {
  it('a send repeated with its clientMessageId is answered like the first and stored once', async () => {
    const { ann, bob } = await chat();
    const first = await send(ann, { message: 'my bill', clientMessageId: 'ann-1' });
    const again = await send(ann, { message: 'my bill', clientMessageId: 'ann-1' });
    expect(first.status).toBe(200);
    expect(again).toMatchObject({ status: 200, body: { statusCode: 0, nextPosition: first.body.nextPosition } });
    expect(shown(again)).toEqual([[3, 'my bill']]);
    expect(shown(first)).toEqual(shown(again));
    expect(await send(ann, { message: 'my bill', clientMessageId: 'ann-2' })).toMatchObject({ status: 200 });
    expect(await send(ann, { message: 'no id' })).toMatchObject({ status: 200 });
    expect(await send(ann, { message: 'no id' })).toMatchObject({ status: 200 });
    expect(await messageTexts(bob, ann.chatId)).toEqual(['my bill', 'my bill', 'no id', 'no id']);
  });

  it('takes the id from an Idempotency-Key header too', async () => {
    const { ann, bob } = await chat();
    for (let i = 0; i < 2; i++) expect(await send(ann, { message: 'by header' }, { 'Idempotency-Key': 'h-1' })).toMatchObject({ status: 200 });
    expect(await send(ann, { message: 'by header', clientMessageId: 'h-1' }, { 'Idempotency-Key': 'h-1' })).toMatchObject({ status: 200 });
    expect(await messageTexts(bob, ann.chatId)).toEqual(['by header']);
  });

  it('refuses a bad id with 400 naming the field, storing nothing', async () => {
    const { ann, bob } = await chat();
    const refusals = [
      await send(ann, { message: 'x', clientMessageId: 'x'.repeat(65) }),
      await send(ann, { message: 'x', clientMessageId: '' }),
      await send(ann, { message: 'x' }, { 'Idempotency-Key': 'café' }),
      await send(ann, { message: 'x', clientMessageId: 'a' }, { 'Idempotency-Key': 'b' }),
    ].map((r) => [r.status, r.body.statusCode, r.body.errors?.[0]?.code, r.body.errors?.[0]?.message]);
    expect(refusals).toEqual([
      [400, 2, 400, 'clientMessageId must be 1 to 64 printable ASCII characters'],
      [400, 2, 400, 'clientMessageId must be 1 to 64 printable ASCII characters'],
      [400, 2, 400, 'Idempotency-Key must be 1 to 64 printable ASCII characters'],
      [400, 2, 400, 'clientMessageId differs from the Idempotency-Key header'],
    ]);
    expect(await messageTexts(bob, ann.chatId)).toEqual([]);
  });
});

describe.each(['long-polling', 'websocket'] as const)('client message ids over CometD (%s)', (transport) => {
  it('a sendMessage published again with its clientMessageId reaches the agent once', async () => {
    const ann = await GmsCometdClient.connect(`${gateway}/genesys/cometd`, transport);
    clients.push({ close: () => ann.disconnect() });
    const started = await ann.requestChat({ nickname: 'Ann' });
    const sessionId = started.chatId ?? '';
    const bob = await agent();
    await bob.expect('sessionInfo', await router.join(sessionId));
    for (let i = 0; i < 2; i++) await ann.publish({ operation: 'sendMessage', message: 'over CometD', clientMessageId: 'c-1' });
    await ann.publish({ operation: 'sendMessage', message: 'bad id', clientMessageId: 'x'.repeat(65) });
    const refused = await ann.inbox.next((r) => (r.errors?.length ?? 0) > 0, 'refusal of the bad id');
    expect(refused.errors?.[0]).toEqual({ code: 400, message: 'clientMessageId must be 1 to 64 printable ASCII characters' });
    await ann.publish({ operation: 'sendMessage', message: 'after the refusal' });
    await bob.pushed(sessionId, (e) => e.kind === 'message' && e.text === 'after the refusal', 'the message after the refusal');
    expect(await messageTexts(bob, sessionId)).toEqual(['over CometD', 'after the refusal']);
  });
});

describe('client message ids over the agent WebSocket', () => {
  it('a message request repeated with its clientMessageId is acknowledged with the same event and stored once', async () => {
    const { ann, bob } = await chat();
    const first = await bob.expect('ack', { type: 'message', sessionId: ann.chatId, text: 'hello Ann', clientMessageId: 'b-1' });
    const again = await bob.expect('ack', { type: 'message', sessionId: ann.chatId, text: 'hello Ann', clientMessageId: 'b-1' });
    expect({ position: again.position, eventId: again.eventId }).toEqual({ position: first.position, eventId: first.eventId });
    expect(await bob.request({ type: 'message', sessionId: ann.chatId, text: 'x', clientMessageId: '' })).toMatchObject({
      type: 'error',
      code: 'BAD_REQUEST',
      message: 'field clientMessageId: must be 1 to 64 printable ASCII characters',
    });
    expect(await messageTexts(bob, ann.chatId)).toEqual(['hello Ann']);
    const seen = await ann.op('refresh', { transcriptPosition: '1' });
    expect(seen.body.messages.filter((m) => m.type === 'Message').map((m) => m.text)).toEqual(['hello Ann']);
  });
});
