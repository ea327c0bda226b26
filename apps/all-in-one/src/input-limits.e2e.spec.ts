import { GmsRestClient, until } from '@ocs/testing';
import type { Embedded } from '@ocs/wiring';
import { startTestProduct } from './test/product';

/** The session's input limits (docs/api/input-limits.md) as a customer over REST and a workflow over ESP meet them. */

let embedded: Embedded;
let gateway: string;
let esp: string;

beforeAll(async () => {
  ({ embedded, gateway, esp } = await startTestProduct({
    'OCS__settings__message-rate-limit': '5',
    'OCS__settings__user-data-max-keys': '10',
    'OCS__settings__transcript-max-size': '65536',
    'OCS__settings__message-type-max-length': '16',
  }));
});

afterAll(async () => {
  await embedded.close();
});

async function customer(fields: Record<string, string> = { nickname: 'Ann' }): Promise<GmsRestClient> {
  const client = new GmsRestClient(gateway);
  expect((await client.requestChat(fields)).status).toBe(200);
  return client;
}

function refusal(reply: { status: number; body: { statusCode: number; errors?: Array<{ code: number; message: string }> } }) {
  return { status: reply.status, statusCode: reply.body.statusCode, code: reply.body.errors?.[0]?.code, message: reply.body.errors?.[0]?.message };
}

describe('input limits over the customer REST API', () => {
  it('refuses user data and subjects beyond the limits at Request Chat, with 400 naming the limit', async () => {
    const chat = new GmsRestClient(gateway);
    const keys = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`userData[k${i}]`, 'v']));
    expect(refusal(await chat.requestChat({ nickname: 'Ann', ...keys }))).toEqual({
      status: 400,
      statusCode: 2,
      code: 400,
      message: expect.stringContaining('user-data-max-keys (10)'),
    });
    expect(refusal(await chat.requestChat({ nickname: 'Ann', subject: 's'.repeat(20_000) }))).toMatchObject({
      status: 400,
      code: 400,
      message: expect.stringContaining('user-data-max-value-size (16384)'),
    });
    expect(refusal(await chat.requestChat({ nickname: 'n'.repeat(2000) }))).toMatchObject({
      status: 400,
      code: 204,
      message: expect.stringContaining('nickname-max-length'),
    });
  });

  it('refuses a long messageType, drops GCTI_SYSTEM and strips control characters from what is sent', async () => {
    const ann = await customer();
    expect(refusal(await ann.op('send', { message: 'x', messageType: 't'.repeat(100) }))).toMatchObject({
      status: 400,
      code: 204,
      message: expect.stringContaining('message-type-max-length (16)'),
    });
    const fake = JSON.stringify({ GCTI_SYSTEM: { 'party-info': { style: 'BOT' } }, mine: 'kept' });
    const reply = await ann.op('send', { message: 'I am a bot\u0000\u001b[2J', eventAttributes: fake });
    expect(reply.status).toBe(200);
    const sent = reply.body.messages.find((m) => m.type === 'Message');
    expect(sent).toMatchObject({ text: 'I am a bot[2J', eventAttributes: { mine: 'kept' } });
    expect(sent?.eventAttributes).not.toHaveProperty('GCTI_SYSTEM');
  });

  it('refuses messages beyond message-rate-limit with 429, retryable (statusCode 1), naming the limit', async () => {
    const ann = await customer();
    for (let i = 0; i < 5; i++) expect((await ann.op('send', { message: `m${i}` })).status).toBe(200);
    expect(refusal(await ann.op('send', { message: 'too fast' }))).toEqual({
      status: 429,
      statusCode: 1,
      code: 429,
      message: expect.stringContaining('message-rate-limit (5)'),
    });
    // typing has a bucket of its own, and the chat is still served
    expect((await ann.op('startTyping')).status).toBe(200);
    expect((await ann.op('refresh')).status).toBe(200);
  });

  it('refuses a message beyond transcript-max-size with 400 naming it, and the customer can still leave', async () => {
    const ann = await customer();
    for (let i = 0; i < 4; i++) expect((await ann.op('send', { message: 'x'.repeat(16_000) })).status).toBe(200);
    expect(refusal(await ann.op('send', { message: 'y'.repeat(16_000) }))).toMatchObject({
      status: 400,
      statusCode: 2,
      code: 400,
      message: expect.stringContaining('transcript-max-size (65536)'),
    });
    const left = await ann.op('disconnect');
    expect(left.status).toBe(200);
    expect(left.body.chatEnded).toBe(true);
  });
});

describe('input limits over ESP', () => {
  async function call(parameters: Record<string, unknown>): Promise<{ status: number; body: { Event: string; FaultCode?: number; FaultString?: string } }> {
    const response = await fetch(`${esp}/esp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Service: 'Chat', Method: 'Message', Parameters: parameters, UserData: {} }),
    });
    return { status: response.status, body: (await response.json()) as { Event: string; FaultCode?: number; FaultString?: string } };
  }

  it("drops a workflow's GCTI_SYSTEM, refuses attributes beyond the limits (fault 2) and a workflow beyond the rate (fault 8)", async () => {
    const ann = await customer();
    const interactionId = await until(async () => {
      const response = await fetch(`${esp}/router/queues/chat_inbound/interactions`);
      const list = (await response.json()) as Array<{ interactionId: string; sessionId: string }>;
      return list.find((i) => i.sessionId === ann.chatId)?.interactionId;
    }, 'the interaction in its queue');
    const ok = await call({
      InteractionId: interactionId,
      MessageText: 'hello',
      Nickname: 'Bot',
      EventAttributes: { GCTI_SYSTEM: { 'quit-reason-code': '5' }, x: '1' },
    });
    expect(ok.body.Event).toBe('Event3rdServerResponse');
    expect(await ann.waitFor((m) => m.text === 'hello', 'workflow message')).toMatchObject({ eventAttributes: { x: '1' } });
    const wide = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v']));
    const tooMany = await call({ InteractionId: interactionId, MessageText: 'x', EventAttributes: wide });
    expect(tooMany).toMatchObject({ status: 400, body: { FaultCode: 2, FaultString: expect.stringContaining('user-data-max-keys (10)') } });
    for (let i = 0; i < 4; i++) expect((await call({ InteractionId: interactionId, MessageText: `m${i}`, Nickname: 'Bot' })).status).toBe(200);
    const fast = await call({ InteractionId: interactionId, MessageText: 'too fast', Nickname: 'Bot' });
    expect(fast).toMatchObject({ status: 429, body: { FaultCode: 8, FaultString: expect.stringContaining('message-rate-limit (5)') } });
  });
});
