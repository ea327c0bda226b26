import { AgentTestClient, GmsRestClient, until } from '@ocs/testing';
import type { ServerEvent } from '@ocs/agent-protocol';
import fc from 'fast-check';
import { Writable } from 'node:stream';
import { WebSocket } from 'ws';
import { AGENT_TOKEN, startTestProduct, type TestProduct } from './test/product';

/**
 * Bounded property-based fuzzing of every surface a client reaches: the customer REST API (form, multipart, JSON
 * and garbage bodies), CometD (raw Bayeux batches), the agent WebSocket API and ESP. Whatever arrives, the answer is
 * a 4xx or a reply naming the problem, never a 5xx; nothing is logged at error level; and a chat that runs beside
 * the fuzzing (a customer and an agent) goes on with its transcript intact. Runs are seeded: a failure prints the
 * seed and the smallest input that fails, so it can be replayed with `fc.assert(…, { seed, path })`.
 */

const RUNS = 150;
jest.setTimeout(120_000);
const SERVICE = 'customer-support';
const CUSTOMER_FIELDS = [
  'nickname',
  'firstName',
  'lastName',
  'emailAddress',
  'subject',
  'userData[Subject]',
  'userData[GCTI_SYSTEM]',
  'message',
  'messageType',
  'transcriptPosition',
  'userId',
  'secureKey',
  'alias',
  'tenantName',
  'pushNotificationDeviceId',
  'pushNotificationType',
  'userData[GCTI_GMS_PushDeviceId]',
  'eventAttributes[GCTI_SYSTEM][party-info][style]',
] as const;
const OPERATIONS = ['send', 'refresh', 'startTyping', 'stopTyping', 'disconnect', 'updateData', 'customNotice', 'readReceipt', 'fileLimits', 'bogus'];
const ESP_METHODS = ['Message', 'Notice', 'PlaceOnHold', 'CloseSession', 'GetSessionInfo', 'IdleControlConfigure', 'ConfigureSession', 'Bogus'];

/**
 * Text as hostile clients send it: any code points, control characters and terminal escapes included, short or up to
 * `longest` characters long.
 */
const textUpTo = (longest: number) =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: 64 }),
    fc.string({ unit: fc.constantFrom('\u0000', '\u001b[31m', '\r\n', '\u202e', '😕', 'a', '%', '&', '=', '[', ']'), maxLength: 40 }),
    fc.integer({ min: 1, max: longest }).map((n) => 'x'.repeat(n)),
    fc.constantFrom('', '-1', '0', '99999999999999999999', 'javascript:alert(1)', 'NaN', '1e9'),
  );
/** Beyond every field limit, within the request size limit (a bigger agent frame closes the connection by design). */
const hostileText = textUpTo(20_000);
const fieldName = fc.oneof(
  fc.constantFrom(...CUSTOMER_FIELDS),
  fc.string({ maxLength: 20 }),
  fc.nat(300).map((i) => `userData[k${i}]`),
);
const fields = fc.dictionary(fieldName, fc.oneof(hostileText, textUpTo(200_000)), { maxKeys: 12 });

interface Logged {
  level: number;
  msg?: string;
}

let product: TestProduct;
const logged: Logged[] = [];
let canary: { customer: GmsRestClient; agent: AgentTestClient; said: string[] };

/** A chat between a customer and an agent beside the fuzzing; each check exchanges a message both ways. */
async function checkCanary(round: string): Promise<void> {
  const { customer, agent, said } = canary;
  const fromCustomer = `customer ${round}`;
  expect((await customer.op('send', { message: fromCustomer })).body.statusCode).toBe(0);
  await agent.pushed(customer.chatId, (e) => e.kind === 'message' && e.text === fromCustomer, fromCustomer);
  const fromAgent = `agent ${round}`;
  await agent.expect('ack', { type: 'message', sessionId: customer.chatId, text: fromAgent });
  await customer.waitFor((m) => m.text === fromAgent, fromAgent);
  said.push(fromCustomer, fromAgent);
  const all = await GmsRestClient.post(`${product.gateway}/genesys/2/chat/${SERVICE}/${customer.chatId}/refresh`, {
    userId: customer.userId,
    secureKey: customer.secureKey,
    alias: customer.alias,
    transcriptPosition: '1',
  });
  const texts = all.body.messages.filter((m) => m.type === 'Message').map((m) => m.text);
  expect(texts).toEqual(said);
}

async function startCanary(): Promise<void> {
  const customer = new GmsRestClient(product.gateway);
  expect((await customer.requestChat({ nickname: 'Canary', 'userData[Subject]': 'fuzz' })).status).toBe(200);
  const waiting = await until(async () => {
    const response = await fetch(`${product.esp}/router/queues/chat_inbound/interactions`);
    const list = (await response.json()) as Array<{ interactionId: string; sessionId: string }>;
    return list.find((i) => i.sessionId === customer.chatId);
  }, 'the canary interaction');
  const taken = (await (await fetch(`${product.esp}/router/interactions/${waiting.interactionId}/take`, { method: 'POST' })).json()) as {
    join: Record<string, unknown>;
  };
  const agent = await AgentTestClient.connect(product.agentUrl);
  await agent.expect('registered', { type: 'register', token: AGENT_TOKEN, nickname: 'Watcher', userType: 'AGENT' });
  await agent.expect('sessionInfo', taken.join);
  canary = { customer, agent, said: [] };
}

beforeAll(async () => {
  const logs = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logged.push(JSON.parse(line) as Logged);
      done();
    },
  });
  product = await startTestProduct({}, logs);
  await startCanary();
});

afterAll(async () => {
  await canary?.agent.close();
  await product?.embedded.close();
});

afterEach(async () => {
  const errors = logged.splice(0).filter((line) => line.level >= 50);
  expect(errors).toEqual([]);
  await checkCanary(expect.getState().currentTestName ?? 'round');
});

/** A refusal a client can act on: a 4xx, or a 200 whose GMS reply names the problem. */
function expectNamedRefusalOrSuccess(status: number, body: unknown): void {
  expect(status).toBeLessThan(500);
  const reply = body as { statusCode?: number; errors?: Array<{ message?: unknown }> };
  if (status >= 400 || (reply.statusCode !== undefined && reply.statusCode !== 0)) {
    expect(typeof reply.errors?.[0]?.message).toBe('string');
    expect(String(reply.errors?.[0]?.message).length).toBeGreaterThan(3);
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`expected a JSON answer, got ${response.status}: ${text.slice(0, 200)}`);
  }
}

type Encoding = 'form' | 'multipart' | 'json' | 'garbage-multipart';

function encode(encoding: Encoding, values: Record<string, string>): { headers?: Record<string, string>; body: URLSearchParams | FormData | string } {
  switch (encoding) {
    case 'form':
      return { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(values) };
    case 'multipart': {
      const form = new FormData();
      for (const [name, value] of Object.entries(values)) form.append(name, value);
      return { body: form };
    }
    case 'json':
      return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(values) };
    case 'garbage-multipart':
      return {
        headers: { 'content-type': 'multipart/form-data; boundary=XyZ' },
        body: `--XyZ\r\nContent-Disposition: form-data; name="${Object.keys(values)[0] ?? 'a'}"\r\n\r\n`,
      };
  }
}

describe('hostile input, fuzzed over the real transports', () => {
  it('customer REST: any fields in any encoding get a 4xx or a reply naming the problem', async () => {
    const fuzzer = new GmsRestClient(product.gateway);
    expect((await fuzzer.requestChat({ nickname: 'Fuzzer' })).status).toBe(200);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Encoding>('form', 'multipart', 'json', 'garbage-multipart'),
        fc.oneof(fc.constant('requestChat'), fc.constantFrom(...OPERATIONS)),
        fc.constantFrom('own', 'forged', 'other'),
        fields,
        async (encoding, operation, identity, values) => {
          const credentials: Record<string, string> =
            identity === 'own'
              ? { userId: fuzzer.userId, secureKey: fuzzer.secureKey, alias: fuzzer.alias }
              : identity === 'other'
                ? { userId: canary.customer.userId, secureKey: 'not-the-key', alias: canary.customer.alias }
                : {};
          const chatId = identity === 'other' ? canary.customer.chatId : fuzzer.chatId;
          const path = operation === 'requestChat' ? `${SERVICE}/` : `${SERVICE}/${chatId}/${operation}`;
          const response = await fetch(`${product.gateway}/genesys/2/chat/${path}`, { method: 'POST', ...encode(encoding, { ...credentials, ...values }) });
          expectNamedRefusalOrSuccess(response.status, await readJson(response));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('CometD: any batch of Bayeux messages gets a Bayeux reply or a 4xx', async () => {
    const cometd = `${product.gateway}/genesys/cometd`;
    const handshake = (await readJson(
      await fetch(cometd, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] }]),
      }),
    )) as Array<{ clientId: string }>;
    const clientId = handshake[0].clientId;
    const bayeux = fc.record(
      {
        channel: fc.oneof(
          fc.constantFrom('/meta/handshake', '/meta/subscribe', '/meta/unsubscribe', `/service/chatV2/${SERVICE}`, '/service/x', '/**'),
          fc.string(),
        ),
        clientId: fc.oneof(fc.constant(clientId), fc.string({ maxLength: 30 })),
        subscription: fc.oneof(fc.constant(`/service/chatV2/${SERVICE}`), fc.string({ maxLength: 30 })),
        id: fc.oneof(fc.string({ maxLength: 10 }), fc.integer()),
        data: fc.oneof(
          fields.map((f) => ({ operation: 'requestChat', ...f })),
          fc.jsonValue({ maxDepth: 3 }),
        ),
      },
      { requiredKeys: ['channel'] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.array(bayeux, { maxLength: 5 }),
          fc.jsonValue({ maxDepth: 3 }).map((v) => v as unknown),
        ),
        async (batch) => {
          const response = await fetch(cometd, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) });
          expect(response.status).toBeLessThan(500);
          const body = await response.text();
          if (response.status === 200) expect(Array.isArray(JSON.parse(body))).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('CometD WebSocket: any frame is answered or the socket closed, with nothing printed beside the logs', async () => {
    const printed = ['log', 'info', 'warn', 'error'].map((method) => jest.spyOn(console, method as 'log').mockImplementation(() => undefined));
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 200 }),
            fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
          ),
          async (frame) => {
            const socket = new WebSocket(`${product.gateway.replace(/^http/, 'ws')}/genesys/cometd`);
            await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
            const settled = new Promise((resolve) => socket.once('message', resolve).once('close', resolve));
            socket.send(frame);
            await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 100))]);
            socket.terminate();
          },
        ),
        { numRuns: 50 },
      );
      for (const spy of printed) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of printed) spy.mockRestore();
    }
  });

  it('agent WebSocket: any frame gets a reply, refusals name the problem, the connection stays usable', async () => {
    const agent = await AgentTestClient.connect(product.agentUrl);
    try {
      await agent.expect('registered', { type: 'register', token: AGENT_TOKEN, nickname: 'Fuzzy', userType: 'AGENT' });
      const own = (await agent.expect('sessionInfo', { type: 'join' })).sessionId;
      const sessionId = fc.oneof(
        fc.constant(own),
        fc.string({ maxLength: 20 }),
        fc.string({ unit: fc.constantFrom(...'0123456789ABCDEF'), minLength: 16, maxLength: 16 }),
      );
      const fieldsOf = {
        sessionId,
        text: hostileText,
        nickname: hostileText,
        messageType: hostileText,
        visibility: fc.constantFrom('ALL', 'INT', 'VIP', 'NONE', 'x'),
        noticeType: fc.constantFrom('TYPING_STARTED', 'CUSTOM', 'IDLE_CONTROL_CLOSE', 'x'),
        afterAction: fc.constantFrom('CLOSE_IF_NO_AGENTS', 'KEEP_ALIVE', 'FORCE_CLOSE', 'x'),
        fromPosition: fc.oneof(fc.integer(), fc.double()),
        userData: fc.dictionary(fc.string({ maxLength: 10 }), fc.oneof(hostileText, fc.jsonValue({ maxDepth: 2 })), { maxKeys: 5 }),
        eventAttributes: fc.oneof(fc.constant({ GCTI_SYSTEM: { 'party-info': { style: 'BOT' } } }), fc.jsonValue({ maxDepth: 3 })),
      };
      const anyRequest = fc.record(
        { type: fc.oneof(fc.constantFrom('register', 'join', 'message', 'notify', 'releaseParty', 'refresh'), fc.string({ maxLength: 12 })), ...fieldsOf },
        { requiredKeys: [] },
      );
      const wellFormed = fc.oneof(
        fc.record(
          { type: fc.constant('message'), sessionId, text: hostileText, messageType: hostileText, eventAttributes: fieldsOf.eventAttributes },
          { requiredKeys: ['type', 'sessionId', 'text'] },
        ),
        fc.record(
          { type: fc.constant('notify'), sessionId, noticeType: fieldsOf.noticeType, text: hostileText },
          { requiredKeys: ['type', 'sessionId', 'noticeType'] },
        ),
        fc.record({ type: fc.constant('refresh'), sessionId, fromPosition: fieldsOf.fromPosition }),
      );
      await fc.assert(
        fc.asyncProperty(fc.oneof(anyRequest, wellFormed), async (body) => {
          const reply: ServerEvent = await agent.request(body);
          if (reply.type === 'error') expect(reply.message.length).toBeGreaterThan(3);
        }),
        { numRuns: RUNS },
      );
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), async (frame) => {
          const probe = new WebSocket(product.agentUrl);
          await new Promise((resolve, reject) => probe.once('open', resolve).once('error', reject));
          const answer = new Promise<string>((resolve) => probe.once('message', (data) => resolve(data.toString())));
          probe.send(frame);
          const parsed = JSON.parse(await answer) as ServerEvent;
          expect(parsed.type).toBe('error');
          probe.close();
        }),
        { numRuns: 50 },
      );
    } finally {
      await agent.close();
    }
  });

  it('ESP: any request gets a response or a fault naming the problem', async () => {
    const fuzzer = new GmsRestClient(product.gateway);
    expect((await fuzzer.requestChat({ nickname: 'EspTarget' })).status).toBe(200);
    const target = await until(async () => {
      const list = (await (await fetch(`${product.esp}/router/queues/chat_inbound/interactions`)).json()) as Array<{
        interactionId: string;
        sessionId: string;
      }>;
      return list.find((i) => i.sessionId === fuzzer.chatId);
    }, 'the fuzzed interaction');
    const espRequest = fc.record(
      {
        Service: fc.oneof(fc.constant('Chat'), fc.string({ maxLength: 8 })),
        Method: fc.oneof(fc.constantFrom(...ESP_METHODS), fc.string({ maxLength: 12 })),
        Parameters: fc.oneof(
          fc.dictionary(fc.string({ maxLength: 16 }), fc.oneof(hostileText, fc.jsonValue({ maxDepth: 2 })), { maxKeys: 6 }),
          fc.jsonValue({ maxDepth: 2 }),
        ),
        UserData: fc.record({ InteractionId: fc.oneof(fc.constant(target.interactionId), fc.string({ maxLength: 20 })) }),
      },
      { requiredKeys: ['Service', 'Method'] },
    );
    await fc.assert(
      fc.asyncProperty(espRequest, async (body) => {
        const response = await fetch(`${product.esp}/esp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        expect(response.status).toBeLessThan(500);
        const reply = (await readJson(response)) as { Event?: string; FaultString?: string };
        if (reply.Event !== 'Event3rdServerResponse') expect(reply.FaultString?.length).toBeGreaterThan(3);
      }),
      { numRuns: RUNS },
    );
  });
});
