import { Writable } from 'node:stream';
import type { WireEvent } from '@ocs/agent-protocol';
import { AgentTestClient, GmsRestClient, until } from '@ocs/testing';
import type { Embedded } from '@ocs/wiring';
import { AGENT_TOKEN, TestRouter, startTestProduct } from './test/product';

/**
 * PII masking over the real transports: a REST customer, agents on the WebSocket API joined as routing hands them
 * the session, a workflow over ESP, and the UCS transcript saved at the close.
 */

const CARD = '4111 1111 1111 1111';
const MASKED = '**** **** **** ****';

let embedded: Embedded;
let gateway: string;
let agentUrl: string;
let esp: string;
let router: TestRouter;
const agents: AgentTestClient[] = [];

beforeAll(async () => {
  ({ embedded, gateway, agentUrl, esp } = await startTestProduct({
    'OCS__transcript-cleanup__apply-area': 'always',
    'OCS__transcript-cleanup__unmask-live-dialog': 'true',
    'OCS__transcript-cleanup__typing-preview': 'any',
    'OCS__transcript-cleanup__clean-subject': 'both',
  }));
  router = new TestRouter(esp);
});

afterEach(async () => {
  for (const a of agents.splice(0)) await a.close();
});

afterAll(async () => {
  await embedded.close();
});

async function agent(
  nickname: string,
  join: Record<string, unknown>,
  userType: 'AGENT' | 'SUPERVISOR' = 'AGENT',
): Promise<{ client: AgentTestClient; joined: WireEvent[] }> {
  const client = await AgentTestClient.connect(agentUrl);
  agents.push(client);
  await client.expect('registered', { type: 'register', token: AGENT_TOKEN, nickname, userType });
  const info = await client.expect('sessionInfo', join);
  return { client, joined: info.events };
}

const messages = (events: readonly WireEvent[]) => events.filter((e) => e.kind === 'message').map((e) => e.text);

/** The customer's whole transcript, as a refresh from position 1 returns it. */
async function customerSees(ann: GmsRestClient): Promise<string[]> {
  const reply = await GmsRestClient.post(`${gateway}/genesys/2/chat/customer-support/${ann.chatId}/refresh`, {
    userId: ann.userId,
    secureKey: ann.secureKey,
    alias: ann.alias,
    transcriptPosition: '1',
  });
  return reply.body.messages.filter((m) => m.type === 'Message').map((m) => m.text ?? '');
}

async function send(ann: GmsRestClient, text: string): Promise<void> {
  expect((await ann.op('send', { message: text })).body).toMatchObject({ statusCode: 0 });
}

describe('PII masking end to end (apply-area always, unmask-live-dialog)', () => {
  it("the guide's 5-step example: customer over REST, agents over WebSocket, coach never unmasked, UCS transcript masked", async () => {
    const ann = new GmsRestClient(gateway);
    expect((await ann.requestChat({ nickname: 'Ann' })).status).toBe(200);

    // 1. no agent yet: masked, for the customer too
    await send(ann, `1 ${CARD}`);
    expect(await customerSees(ann)).toEqual([`1 ${MASKED}`]);

    // 2. the first agent joins: the history is masked
    const a1 = await agent('A1', await router.join(ann.chatId));
    expect(messages(a1.joined)).toEqual([`1 ${MASKED}`]);

    // 3. the customer sends it again: the agent (live) and the customer see it
    await send(ann, `3 ${CARD}`);
    const third = await a1.client.pushed(ann.chatId, (e) => e.kind === 'message' && e.text?.startsWith('3') === true, 'message 3');
    expect(messages(third.events)).toEqual([`3 ${CARD}`]);
    expect(await customerSees(ann)).toEqual([`1 ${MASKED}`, `3 ${CARD}`]);

    // a coach (INT) joins: it never sees clear data
    const coach = await agent('Coach', await router.join(ann.chatId, { visibility: 'INT' }), 'SUPERVISOR');
    expect(messages(coach.joined)).toEqual([`1 ${MASKED}`, `3 ${MASKED}`]);

    // 4. a second agent joins the conference: every earlier card is masked
    const a2 = await agent('A2', await router.join(ann.chatId));
    expect(messages(a2.joined)).toEqual([`1 ${MASKED}`, `3 ${MASKED}`]);

    // 5. again: both agents and the customer see it; the coach does not
    await send(ann, `5 ${CARD}`);
    const isFifth = (e: WireEvent) => e.kind === 'message' && e.text?.startsWith('5') === true;
    expect(messages((await a1.client.pushed(ann.chatId, isFifth, 'message 5 at A1')).events)).toEqual([`5 ${CARD}`]);
    expect(messages((await a2.client.pushed(ann.chatId, isFifth, 'message 5 at A2')).events)).toEqual([`5 ${CARD}`]);
    const atCoach = await coach.client.pushed(ann.chatId, isFifth, 'message 5 at the coach');
    expect(messages(atCoach.events)).toEqual([`5 ${MASKED}`]);
    expect(await customerSees(ann)).toEqual([`1 ${MASKED}`, `3 ${CARD}`, `5 ${CARD}`]);
    // what was found and how it was replaced, for readers of protocol version 106
    expect(atCoach.events.find(isFifth)?.eventAttributes).toEqual({
      GCTI_SYSTEM: {
        'pii-cleanup': {
          'rule-0001': { description: 'Credit card', id: 'GCTI_CreditCards', name: 'GCTI_CreditCards', positions: { '2-20': { replaced: 'digits' } } },
        },
      },
    });

    // a workflow's message over ESP is masked for everyone
    const interactionId = router.interactionOf(ann.chatId) as string;
    const posted = await fetch(`${esp}/esp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        Service: 'Chat',
        Method: 'Message',
        Parameters: { InteractionId: interactionId, MessageText: `card ${CARD}`, Nickname: 'Flow' },
        UserData: {},
      }),
    });
    expect(posted.status).toBe(200);
    const fromFlow = await a1.client.pushed(ann.chatId, (e) => e.kind === 'message' && e.nickname === 'Flow', 'workflow message');
    expect(messages(fromFlow.events)).toEqual([`card ${MASKED}`]);

    // the typing preview has its digits masked
    await ann.op('startTyping', { message: 'my ssn 123' });
    const typing = await a1.client.pushed(ann.chatId, (e) => e.kind === 'notice' && e.noticeType === 'TYPING_STARTED', 'typing preview');
    expect(typing.events.find((e) => e.kind === 'notice')?.text).toBe('my ssn ***');

    // the close: the UCS transcript has every card masked
    await a1.client.expect('ack', { type: 'releaseParty', sessionId: ann.chatId, afterAction: 'FORCE_CLOSE' });
    const transcript = await until(async () => (await embedded.ucs.getInteraction(interactionId))?.transcript, 'the UCS transcript');
    expect(transcript).toContain(`1 ${MASKED}`);
    expect(transcript).toContain(`5 ${MASKED}`);
    expect(transcript).not.toMatch(/4111/);
  });
});

describe('clean-subject both', () => {
  it('masks the subject the customer gave on the interaction and in the UCS record', async () => {
    const ann = new GmsRestClient(gateway);
    expect((await ann.requestChat({ nickname: 'Ann', subject: `refund to ${CARD}` })).status).toBe(200);
    await router.join(ann.chatId);
    const interactionId = router.interactionOf(ann.chatId) as string;
    const interaction = (await (await fetch(`${esp}/router/interactions/${interactionId}`)).json()) as { properties: Record<string, string> };
    expect(interaction.properties.Subject).toBe(`refund to ${MASKED}`);
    const record = await embedded.ucs.getInteraction(interactionId);
    expect([record?.subject, record?.userData.Subject]).toEqual([`refund to ${MASKED}`, `refund to ${MASKED}`]);
  });
});

describe('PII in the logs', () => {
  it('at debug, with every message and transcript printed in full, log lines hold only masked text (history-all)', async () => {
    const lines: string[] = [];
    const logs = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const product = await startTestProduct(
      {
        'OCS__transcript-cleanup__apply-area': 'history-all',
        'OCS__settings__message-log-print-size': '7000',
        'OCS__log-filter-data__Transcript': 'copy',
      },
      logs,
      'debug',
    );
    try {
      const local = new TestRouter(product.esp);
      const ann = new GmsRestClient(product.gateway);
      expect((await ann.requestChat({ nickname: 'Ann' })).status).toBe(200);
      const client = await AgentTestClient.connect(product.agentUrl);
      agents.push(client);
      await client.expect('registered', { type: 'register', token: AGENT_TOKEN, nickname: 'Bob', userType: 'AGENT' });
      await client.expect('sessionInfo', await local.join(ann.chatId));
      await send(ann, `card ${CARD}, ssn 123-45-6789, phone 212-555-0123`);
      // the live dialog is clear (history-all)
      const live = await client.pushed(ann.chatId, (e) => e.kind === 'message', 'the message');
      expect(messages(live.events)).toEqual([`card ${CARD}, ssn 123-45-6789, phone 212-555-0123`]);
      await client.expect('ack', { type: 'releaseParty', sessionId: ann.chatId, afterAction: 'FORCE_CLOSE' });
      const interactionId = local.interactionOf(ann.chatId) as string;
      await until(async () => (await product.embedded.ucs.getInteraction(interactionId))?.transcript, 'the UCS transcript');
      await until(async () => (lines.some((l) => l.includes('transcript saved to UCS')) ? true : undefined), 'the transcript log line');
      const all = lines.join('');
      expect(all).toContain(`"text":"card ${MASKED}, ssn ***-**-****, phone ***-***-****"`);
      expect(all).toMatch(/"transcript":"<\?xml/);
      for (const clear of ['4111 1111', '123-45-6789', '212-555-0123']) expect(all).not.toContain(clear);
    } finally {
      for (const a of agents.splice(0)) await a.close();
      await product.embedded.close();
    }
  });
});
