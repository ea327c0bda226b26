import { AgentTestClient, eventually, GmsRestClient, PushReceiver } from '@ocs/testing';
import { createHmac } from 'node:crypto';
import { AGENT_TOKEN, TestRouter, startTestProduct, type TestProduct } from './test/product';

/**
 * Push notifications through the whole product: a REST customer subscribes at Request Chat, an agent on the
 * WebSocket API writes, the engine decides the notices and the push-notifier delivers them to a real receiver.
 */

const SIGNING_SECRET = 'receiver-signing-secret-42';
let receiver: PushReceiver;
let product: TestProduct;
let router: TestRouter;
const agents: AgentTestClient[] = [];

beforeAll(async () => {
  receiver = await PushReceiver.start();
  product = await startTestProduct({
    'OCS__push__customhttp.url': receiver.url,
    OCS__push__pushEnabled: 'customhttp',
    'OCS__push__signing-secret': SIGNING_SECRET,
    'OCS__settings__flex-push-on-join': 'true',
    'OCS__settings__flex-push-resend-delay': '1',
    'OCS__settings__flex-push-resend-attempts': '2',
    'OCS__settings__flex-push-content': 'session-id,user-id,secure-key',
  });
  router = new TestRouter(product.esp);
});

afterAll(async () => {
  for (const agent of agents) await agent.close();
  await product.embedded.close();
  await receiver.close();
});

async function chatWithAgent(deviceId: string, userData: Record<string, string>): Promise<{ ann: GmsRestClient; bob: AgentTestClient }> {
  const ann = new GmsRestClient(product.gateway);
  const subscribe = {
    'userData[GCTI_Chat_PushSubscribe]': 'true',
    'userData[GCTI_GMS_PushDeviceId]': deviceId,
    'userData[GCTI_GMS_PushDeviceType]': 'customhttp',
    ...userData,
  };
  expect((await ann.requestChat({ nickname: 'Ann', ...subscribe })).status).toBe(200);
  const bob = await AgentTestClient.connect(product.agentUrl);
  agents.push(bob);
  await bob.expect('registered', { type: 'register', token: AGENT_TOKEN, nickname: 'Bob', userType: 'AGENT' });
  await bob.expect('sessionInfo', await router.join(ann.chatId));
  return { ann, bob };
}

const forDevice = (deviceId: string) => receiver.received.filter((r) => r.deviceId === deviceId);
type Notification = { message: { chatId: string; messages: Array<{ type: string; text?: string; userData?: Record<string, string> }> }; deviceId: string };

describe('push notifications of a chat, delivered to a custom-http receiver', () => {
  it('with the payload: the agent’s join and message arrive as GMS events, signed, each once with its id', async () => {
    const { ann, bob } = await chatWithAgent('device-payload', { 'userData[GCTI_GMS_PushIncludePayload]': 'true' });
    await bob.expect('ack', { type: 'message', sessionId: ann.chatId, text: 'hello Ann' });
    await eventually(() => forDevice('device-payload').length >= 2);
    const [joined, message] = forDevice('device-payload');
    expect((joined.body as Notification).message.messages.map((m) => m.type)).toEqual(['ParticipantJoined']);
    expect(message.body).toMatchObject({ deviceId: 'device-payload', message: { chatId: ann.chatId, messages: [{ type: 'Message', text: 'hello Ann' }] } });
    expect(new Set(forDevice('device-payload').map((r) => r.id)).size).toBe(forDevice('device-payload').length);
    // The signature a receiver checks: HMAC-SHA256 over "<t>.<id>.<raw body>".
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(message.headers['x-push-signature'])) ?? [];
    expect(v1).toBe(createHmac('sha256', SIGNING_SECRET).update(`${t}.${message.id}.${message.raw}`).digest('hex'));
  });

  it('with reliable delivery: a PushUrl trigger resent until the customer refreshes, then no more', async () => {
    const { ann, bob } = await chatWithAgent('device-reliable', { 'userData[GCTI_GMS_PushIncludePayload]': 'true', 'userData[GCTI_GMS_PushResend]': 'true' });
    await bob.expect('ack', { type: 'message', sessionId: ann.chatId, text: 'are you there?' });
    // The trigger of the message, then its two resends (resend delay 1 s): the customer never refreshed.
    await eventually(() => forDevice('device-reliable').some((r) => attempt(r.body) === '2'), 10_000);
    const triggers = forDevice('device-reliable').map((r) => (r.body as Notification).message.messages[0]);
    expect(triggers.every((m) => m.type === 'PushUrl' && m.text === 'PUSH-NOTIFICATION')).toBe(true);
    expect(triggers.at(-1)?.userData).toMatchObject({ 'notify-attempt': '2', 'session-id': ann.chatId, 'user-id': ann.userId, 'secure-key': ann.secureKey });
    // A refresh reads everything: the next message is told once, and not resent.
    expect((await ann.op('refresh')).status).toBe(200);
    const before = forDevice('device-reliable').length;
    await bob.expect('ack', { type: 'message', sessionId: ann.chatId, text: 'still there?' });
    await eventually(() => forDevice('device-reliable').length === before + 1);
    expect(attempt(forDevice('device-reliable').at(-1)?.body)).toBe('0');
    expect((await ann.op('refresh')).body.messages.map((m: { text?: string }) => m.text)).toContain('still there?');
  });
});

function attempt(body: unknown): string | undefined {
  return (body as Notification | undefined)?.message.messages[0]?.userData?.['notify-attempt'];
}
