import { AgentTestClient, GmsCometdClient, GmsRestClient } from '@ocs/testing';
import type { Embedded } from '@ocs/wiring';
import { AGENT_TOKEN as DESK, TestRouter, startTestProduct } from './test/product';

let embedded: Embedded;
let gateway: string;
let agentUrl: string;
let router: TestRouter;
const agents: AgentTestClient[] = [];
const cometdClients: GmsCometdClient[] = [];

beforeAll(async () => {
  let esp: string;
  ({ embedded, gateway, agentUrl, esp } = await startTestProduct({ 'OCS__settings__message-max-size': '2000' }));
  router = new TestRouter(esp);
});

afterEach(async () => {
  for (const a of agents.splice(0)) await a.close();
  for (const c of cometdClients.splice(0)) if (c.cometd.getStatus() !== 'disconnected') await c.disconnect();
});

afterAll(async () => {
  await embedded.close();
});

async function agent(nickname: string, userType: 'AGENT' | 'SUPERVISOR' = 'AGENT'): Promise<AgentTestClient> {
  const client = await AgentTestClient.connect(agentUrl);
  agents.push(client);
  await client.expect('registered', { type: 'register', token: DESK, nickname, userType });
  return client;
}

async function customer(nickname = 'Ann'): Promise<GmsRestClient> {
  const client = new GmsRestClient(gateway);
  const reply = await client.requestChat({ nickname, 'userData[Subject]': 'billing' });
  expect(reply.status).toBe(200);
  return client;
}

describe('all-in-one over real HTTP, WebSocket and CometD', () => {
  it('serves every service health check', async () => {
    for (const url of Object.values(embedded.urls)) {
      expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    }
  });

  it('a customer (REST) and an agent (WebSocket) chat', async () => {
    const ann = await customer();
    const bob = await agent('Bob');
    const joined = await bob.expect('sessionInfo', await router.join(ann.chatId));
    expect(joined.events.map((e) => [e.kind, e.nickname])).toEqual([
      ['newParty', 'Ann'],
      ['newParty', 'Bob'],
    ]);

    const sent = await ann.op('send', { message: 'my bill is wrong 😕' });
    expect(sent.body).toMatchObject({ statusCode: 0, chatEnded: false });
    const pushed = await bob.pushed(ann.chatId, (e) => e.kind === 'message', 'customer message');
    expect(pushed.events.find((e) => e.kind === 'message')).toMatchObject({ text: 'my bill is wrong 😕', userType: 'CLIENT', nickname: 'Ann' });

    await bob.expect('ack', { type: 'message', sessionId: ann.chatId, text: 'Let me check, Ann.' });
    const got = await ann.waitFor((m) => m.type === 'Message' && m.from.type === 'Agent', 'agent message');
    expect(got).toMatchObject({ text: 'Let me check, Ann.', from: { nickname: 'Bob', participantId: 2 } });
  });

  it('by default an agent joins only the session routing handed it: by session id alone it is refused', async () => {
    const ann = await customer();
    const mallory = await agent('Mallory');
    expect(await mallory.request({ type: 'join', sessionId: ann.chatId })).toMatchObject({ type: 'error', code: 'SESSION_PASSWORD_REQUIRED' });
    const bob = await agent('Bob');
    const joined = await bob.expect('sessionInfo', await router.join(ann.chatId));
    expect(joined.events.map((e) => e.nickname)).toEqual(['Ann', 'Bob']);
  });

  it('a supervisor monitors and coaches invisibly to the customer', async () => {
    const ann = await customer();
    const bob = await agent('Bob');
    await bob.expect('sessionInfo', await router.join(ann.chatId));
    const sue = await agent('Sue', 'SUPERVISOR');
    await sue.expect('sessionInfo', { type: 'join', sessionId: ann.chatId, visibility: 'VIP' });

    const monitored = await ann.op('refresh');
    expect(monitored.body.monitored).toBe(true);
    expect(monitored.body.messages.map((m) => m.from.nickname)).not.toContain('Sue');

    await sue.expect('ack', { type: 'message', sessionId: ann.chatId, text: 'offer the refund', visibility: 'INT' });
    const tip = await bob.pushed(ann.chatId, (e) => e.kind === 'message' && e.nickname === 'Sue', 'coaching message');
    expect(tip.events.find((e) => e.kind === 'message')).toMatchObject({ text: 'offer the refund', visibility: 'INT' });

    await bob.expect('ack', { type: 'message', sessionId: ann.chatId, text: 'I can refund you.' });
    await ann.waitFor((m) => m.text === 'I can refund you.', 'agent message after coaching');
    const everything = await GmsRestClient.post(`${gateway}/genesys/2/chat/customer-support/${ann.chatId}/refresh`, {
      userId: ann.userId,
      secureKey: ann.secureKey,
      alias: ann.alias,
      transcriptPosition: '1',
    });
    const texts = everything.body.messages.map((m) => `${m.type}:${m.from.nickname}:${m.text ?? ''}`);
    expect(texts.some((t) => t.includes('Sue'))).toBe(false);
    expect(texts).toContain('Message:Bob:I can refund you.');

    await sue.expect('ack', { type: 'releaseParty', sessionId: ann.chatId, afterAction: 'KEEP_ALIVE' });
    expect((await ann.op('refresh')).body.monitored).toBe(false);
  });

  it('a monitoring supervisor coaches, barges in and goes back without leaving; each party sees what its visibility allows', async () => {
    const ann = await customer();
    const bob = await agent('Bob');
    await bob.expect('sessionInfo', await router.join(ann.chatId));
    const sue = await agent('Sue', 'SUPERVISOR');
    await sue.expect('sessionInfo', { type: 'join', sessionId: ann.chatId, visibility: 'VIP' });

    await sue.expect('ack', { type: 'setVisibility', sessionId: ann.chatId, visibility: 'INT' });
    const coaching = await bob.pushed(ann.chatId, (e) => e.kind === 'notice' && e.nickname === 'Sue', 'coaching notice');
    expect(coaching.events.at(-1)).toMatchObject({
      noticeType: 'USER_CUSTOM',
      text: 'Sue is coaching',
      visibility: 'INT',
      userData: { visibility: 'INT', 'previous-visibility': 'VIP' },
    });
    expect(coaching.monitored).toBe(false);
    expect((await ann.op('refresh')).body.monitored).toBe(false);

    await sue.expect('ack', { type: 'setVisibility', sessionId: ann.chatId, visibility: 'ALL' });
    await sue.expect('ack', { type: 'message', sessionId: ann.chatId, text: 'Sue here, the supervisor.' });
    await ann.waitFor((m) => m.text === 'Sue here, the supervisor.', 'supervisor message after barging in');
    await sue.expect('ack', { type: 'setVisibility', sessionId: ann.chatId, visibility: 'VIP' });
    await sue.expect('ack', { type: 'message', sessionId: ann.chatId, text: 'back to watching' });
    await sue.expect('error', { type: 'setVisibility', sessionId: ann.chatId, visibility: 'VIP' });
    await bob.expect('error', { type: 'setVisibility', sessionId: ann.chatId, visibility: 'VIP' });

    const seen = (
      await GmsRestClient.post(`${gateway}/genesys/2/chat/customer-support/${ann.chatId}/refresh`, {
        userId: ann.userId,
        secureKey: ann.secureKey,
        alias: ann.alias,
      })
    ).body;
    expect(seen.messages.filter((m) => m.from.nickname === 'Sue').map((m) => `${m.type}:${m.text}`)).toEqual([
      'CustomNotice:Sue joined the conversation',
      'Message:Sue here, the supervisor.',
      'CustomNotice:Sue left the conversation',
    ]);
    expect(seen.monitored).toBe(true);
    const agentView = await bob.expect('sessionInfo', { type: 'refresh', sessionId: ann.chatId, fromPosition: 0 });
    expect(agentView.events.filter((e) => e.nickname === 'Sue').map((e) => e.text)).toEqual([
      'Sue is coaching',
      'Sue joined the conversation',
      'Sue here, the supervisor.',
      'Sue left the conversation',
    ]);
  });

  it('a bot hands over to an agent', async () => {
    const ann = await customer();
    const bot = await agent('HelpBot');
    await bot.expect('sessionInfo', await router.join(ann.chatId, { userData: { GCTI_Chat_SetPartyStyle: 'BOT' } }));
    await bot.expect('ack', { type: 'message', sessionId: ann.chatId, text: 'Hi, I am a bot. Connecting you to an agent.' });
    const botMessage = await ann.waitFor((m) => m.type === 'Message' && m.from.nickname === 'HelpBot', 'bot message');
    expect(botMessage.eventAttributes).toEqual({ GCTI_SYSTEM: { 'party-info': { style: 'BOT' } } });
    await bot.expect('ack', { type: 'releaseParty', sessionId: ann.chatId, afterAction: 'KEEP_ALIVE' });

    const bob = await agent('Bob');
    await bob.expect('sessionInfo', await router.join(ann.chatId));
    await bob.expect('ack', { type: 'message', sessionId: ann.chatId, text: 'Bob here.' });
    await ann.waitFor((m) => m.text === 'Bob here.', 'human agent message');
    const all = (
      await GmsRestClient.post(`${gateway}/genesys/2/chat/customer-support/${ann.chatId}/refresh`, {
        userId: ann.userId,
        secureKey: ann.secureKey,
        alias: ann.alias,
      })
    ).body;
    expect(all.messages.map((m) => `${m.type}:${m.from.nickname}`)).toEqual([
      'ParticipantJoined:Ann',
      'ParticipantJoined:HelpBot',
      'Message:HelpBot',
      'ParticipantLeft:HelpBot',
      'ParticipantJoined:Bob',
      'Message:Bob',
    ]);
    expect(all.chatEnded).toBe(false);
  });

  it('a direct message reaches only its receiver', async () => {
    const ann = await customer();
    const bob = await agent('Bob');
    const bobJoin = await bob.expect('sessionInfo', await router.join(ann.chatId));
    const carl = await agent('Carl');
    await carl.expect('sessionInfo', await router.join(ann.chatId));
    const sue = await agent('Sue', 'SUPERVISOR');
    await sue.expect('sessionInfo', { type: 'join', sessionId: ann.chatId, visibility: 'VIP' });

    await sue.expect('ack', { type: 'message', sessionId: ann.chatId, text: 'just for Bob', visibility: 'INT', receiverId: bobJoin.userId });
    await bob.pushed(ann.chatId, (e) => e.kind === 'message' && e.text === 'just for Bob', 'direct message');
    // A later broadcast proves Carl's and Ann's streams moved past the direct message without it.
    await bob.expect('ack', { type: 'message', sessionId: ann.chatId, text: 'marker' });
    await carl.pushed(ann.chatId, (e) => e.kind === 'message' && e.text === 'marker', 'marker');
    expect(carl.history.some((e) => JSON.stringify(e).includes('just for Bob'))).toBe(false);
    await ann.waitFor((m) => m.text === 'marker', 'marker');
    const seenByAnn = (
      await GmsRestClient.post(`${gateway}/genesys/2/chat/customer-support/${ann.chatId}/refresh`, {
        userId: ann.userId,
        secureKey: ann.secureKey,
        alias: ann.alias,
      })
    ).body;
    expect(JSON.stringify(seenByAnn)).not.toContain('just for Bob');
  });

  it("the customer's last transcript is fetchable after close", async () => {
    const ann = await customer();
    const bob = await agent('Bob');
    await bob.expect('sessionInfo', await router.join(ann.chatId));
    await ann.op('send', { message: 'thanks, bye' });
    await bob.pushed(ann.chatId, (e) => e.kind === 'message', 'goodbye');
    await bob.expect('ack', { type: 'releaseParty', sessionId: ann.chatId, afterAction: 'FORCE_CLOSE' });
    const closed = await bob.pushed(ann.chatId, (e) => e.kind === 'partyLeft', 'close');
    expect(closed.status).toBe('CLOSED');

    const last = await GmsRestClient.post(`${gateway}/genesys/2/chat/customer-support/${ann.chatId}/refresh`, {
      userId: ann.userId,
      secureKey: ann.secureKey,
      alias: ann.alias,
      transcriptPosition: '1',
    });
    expect(last.status).toBe(200);
    expect(last.body.chatEnded).toBe(true);
    expect(last.body.messages.map((m) => `${m.type}:${m.from.nickname}`)).toEqual([
      'ParticipantJoined:Ann',
      'ParticipantJoined:Bob',
      'Message:Ann',
      'ParticipantLeft:Bob',
      'ParticipantLeft:Ann',
    ]);
    expect(last.body.messages.at(-1)?.eventAttributes).toEqual({ GCTI_SYSTEM: { 'quit-reason-code': '4' } });
    const refused = await ann.op('send', { message: 'still there?' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ statusCode: 2, chatEnded: true });
  });

  describe.each(['long-polling', 'websocket'] as const)('a CometD customer over %s', (transport) => {
    it('chats with an agent, receiving every event pushed as it happens', async () => {
      const ann = await GmsCometdClient.connect(`${gateway}/genesys/cometd`, transport);
      cometdClients.push(ann);
      const started = await ann.requestChat({ nickname: 'Ann', userData: { Subject: 'cometd' } });
      expect(started).toMatchObject({ statusCode: 0, chatEnded: false, nextPosition: 2 });
      expect(started.messages).toMatchObject([{ index: 1, type: 'ParticipantJoined', from: { nickname: 'Ann', type: 'Client' } }]);

      const bob = await agent('Bob');
      await bob.expect('sessionInfo', await router.join(started.chatId ?? ''));
      expect(await ann.message((m) => m.type === 'ParticipantJoined' && m.from.nickname === 'Bob', 'agent joined')).toMatchObject({ index: 2 });

      await ann.publish({ operation: 'sendMessage', message: 'hello over CometD' });
      const atAgent = await bob.pushed(started.chatId ?? '', (e) => e.kind === 'message', 'customer message');
      expect(atAgent.events.find((e) => e.kind === 'message')?.text).toBe('hello over CometD');
      await bob.expect('ack', { type: 'message', sessionId: started.chatId, text: 'hello back' });
      expect(await ann.message((m) => m.text === 'hello back', 'agent reply')).toMatchObject({ type: 'Message', from: { type: 'Agent' } });
      await ann.publish({ operation: 'startTyping', message: 'typ' });
      expect((await bob.pushed(started.chatId ?? '', (e) => e.kind === 'notice', 'typing')).events[0]).toMatchObject({
        noticeType: 'TYPING_STARTED',
        text: 'typ',
      });
    });

    it('re-attaches with requestNotifications after a lost connection, missing nothing', async () => {
      const first = await GmsCometdClient.connect(`${gateway}/genesys/cometd`, transport);
      cometdClients.push(first);
      const started = await first.requestChat({ nickname: 'Ann' });
      const bob = await agent('Bob');
      await bob.expect('sessionInfo', await router.join(started.chatId ?? ''));
      await first.message((m) => m.from.nickname === 'Bob', 'agent joined');
      await first.disconnect();

      await bob.expect('ack', { type: 'message', sessionId: started.chatId, text: 'while you were away 1' });
      await bob.expect('ack', { type: 'message', sessionId: started.chatId, text: 'while you were away 2' });

      const second = await GmsCometdClient.connect(`${gateway}/genesys/cometd`, transport);
      cometdClients.push(second);
      second.secureKey = started.secureKey ?? '';
      await second.publish({ operation: 'requestNotifications', userId: started.userId, alias: started.alias, transcriptPosition: '3' });
      const resumed = await second.inbox.next((r) => r.messages.length > 0, 'missed events');
      expect(resumed.messages.map((m) => [m.index, m.text])).toEqual([
        [3, 'while you were away 1'],
        [4, 'while you were away 2'],
      ]);
      await bob.expect('ack', { type: 'message', sessionId: started.chatId, text: 'welcome back' });
      expect(await second.message((m) => m.text === 'welcome back', 'live after re-attach')).toMatchObject({ index: 5 });
    });
  });
});

describe('customer API details', () => {
  it('accepts Request Chat as multipart form data, as some clients send it', async () => {
    const form = new FormData();
    form.append('nickname', 'Multi Part');
    form.append('userData[GCTI_LanguageCode]', 'de-DE');
    const response = await fetch(`${gateway}/genesys/2/chat/customer-support`, { method: 'POST', body: form });
    const body = (await response.json()) as { statusCode: number; messages: Array<{ from: { nickname: string }; userData?: Record<string, string> }> };
    expect(body.statusCode).toBe(0);
    expect(body.messages[0]).toMatchObject({ from: { nickname: 'Multi Part' }, userData: { GCTI_LanguageCode: 'de-DE' } });
  });

  it('refuses a file part in a multipart operation other than file transfer, naming the part', async () => {
    const form = new FormData();
    form.append('nickname', 'Multi Part');
    form.append('attachment', new Blob(['%PDF-1.4']), 'invoice.pdf');
    const response = await fetch(`${gateway}/genesys/2/chat/customer-support`, { method: 'POST', body: form });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { statusCode: number; errors: Array<{ code: number; message: string }> };
    expect(body).toMatchObject({ statusCode: 2, errors: [{ code: 400 }] });
    expect(body.errors[0].message).toBe('request refused: Unexpected file field: attachment');
  });

  it('gives web pages of other origins no cross-origin access by default (CORS preflight and request)', async () => {
    const url = `${gateway}/genesys/2/chat/customer-support/`;
    const preflight = await fetch(url, { method: 'OPTIONS', headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST' } });
    const request = await fetch(url, { method: 'POST', headers: { Origin: 'https://shop.example' }, body: new URLSearchParams({ nickname: 'Ann' }) });
    for (const response of [preflight, request]) {
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
    // Same-origin and server-to-server callers (GMS) send no Origin and are served as before.
    expect(request.status).toBe(200);
  });
});

describe('bad input', () => {
  it('refuses malformed requests with a message naming the problem, and other sessions carry on', async () => {
    const ann = await customer();
    const bob = await agent('Bob');
    await bob.expect('sessionInfo', await router.join(ann.chatId));
    const chat = `${gateway}/genesys/2/chat/customer-support`;
    const id = { userId: ann.userId, secureKey: ann.secureKey, alias: ann.alias };
    const cases: Array<{ url: string; fields: Record<string, string>; status: number; code: number; says: string }> = [
      { url: `${chat}/`, fields: {}, status: 400, code: 161, says: 'nickname' },
      { url: `${gateway}/genesys/2/chat/no-such-service`, fields: { nickname: 'x' }, status: 404, code: 306, says: 'no-such-service' },
      { url: `${gateway}/genesys/2/chat/toString`, fields: { nickname: 'x' }, status: 404, code: 306, says: 'toString' },
      { url: `${chat}/FFFFFFFFFFFFFFFF/send`, fields: { ...id, message: 'x' }, status: 404, code: 404, says: 'not found' },
      { url: `${chat}/${ann.chatId}/send`, fields: { ...id, secureKey: 'wrong', message: 'x' }, status: 404, code: 404, says: 'not found' },
      {
        url: `${chat}/${ann.chatId}/send`,
        fields: { userId: ann.userId, alias: ann.alias, message: 'x' },
        status: 400,
        code: 400,
        says: 'secureKey is required',
      },
      { url: `${chat}/${ann.chatId}/send`, fields: { ...id }, status: 400, code: 400, says: 'message is required' },
      { url: `${chat}/${ann.chatId}/send`, fields: { ...id, message: 'x'.repeat(2001) }, status: 400, code: 204, says: 'message-max-size' },
      { url: `${chat}/${ann.chatId}/send`, fields: { ...id, message: 'x', eventAttributes: '{nope' }, status: 400, code: 400, says: 'eventAttributes' },
      { url: `${chat}/${ann.chatId}/refresh`, fields: { ...id, transcriptPosition: 'abc' }, status: 400, code: 400, says: 'transcriptPosition' },
      { url: `${chat}/${ann.chatId}/explode`, fields: { ...id }, status: 404, code: 404, says: 'explode' },
    ];
    for (const c of cases) {
      const reply = await GmsRestClient.post(c.url, c.fields);
      expect({ status: reply.status, code: reply.body.errors?.[0]?.code, statusCode: reply.body.statusCode }).toEqual({
        status: c.status,
        code: c.code,
        statusCode: 2,
      });
      expect(reply.body.errors?.[0]?.message).toContain(c.says);
    }
    const unknownVsWrong = await Promise.all([GmsRestClient.post(cases[3].url, cases[3].fields), GmsRestClient.post(cases[4].url, cases[4].fields)]);
    expect(unknownVsWrong[0].body.errors).toEqual(unknownVsWrong[1].body.errors);

    const raw = await fetch(`${chat}/${ann.chatId}/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"broken json' });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ statusCode: 2, errors: [{ code: 400, message: expect.stringContaining('JSON') }] });
    const huge = await GmsRestClient.post(`${chat}/`, { nickname: 'x'.repeat(200_000) });
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ statusCode: 2, errors: [{ code: 413, message: expect.stringContaining('too large') }] });

    await ann.op('send', { message: 'still working' });
    await bob.pushed(ann.chatId, (e) => e.kind === 'message' && e.text === 'still working', 'message after garbage');
  });
});
