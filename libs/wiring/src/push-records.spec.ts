import type { Actor } from '@ocs/chat-engine';
import { readSessionEvent, TOPICS, type PushNotice } from '@ocs/contracts';
import { createLogger } from '@ocs/observability';
import { GmsCometdClient, GmsRestClient, until } from '@ocs/testing';
import { startEmbedded, type Embedded } from './embedded';
import { testConfig } from './test/test-config';

/**
 * Push notifications as the engine publishes them: a customer over the real REST API whose Request Chat user data
 * subscribes it, an agent acting through the engine, and the `push` records read back from the bus with the
 * consumers' schema. Their delivery is the push-notifier's.
 */
let embedded: Embedded;
let base: string;
const pushes: Array<{ sessionId: string; push: PushNotice }> = [];

beforeAll(async () => {
  const config = testConfig({
    OCS__server__alias: 'gms7',
    'OCS__settings__session-password-enforce': 'false',
    'OCS__settings__flex-push-on-join': 'true',
    'OCS__settings__flex-push-resend-attempts': '1',
    'OCS__settings__flex-push-resend-delay': '1',
    'OCS__settings__flex-push-content': 'app-dbid,secure-key,session-id,user-id',
  });
  embedded = await startEmbedded(config, (service) => createLogger({ service, level: 'silent' }));
  base = embedded.urls['webapi-gateway'];
  await embedded.bus.subscribe(TOPICS.sessionEvents, 'push-test', (record) => {
    const read = readSessionEvent(record.value, ['push']);
    if ('value' in read && read.value.type === 'push') pushes.push(read.value);
  });
});

afterAll(async () => {
  await embedded?.close();
});

const SUBSCRIBE = {
  'userData[GCTI_Chat_PushSubscribe]': 'true',
  'userData[GCTI_GMS_PushDeviceId]': 'device-42',
  'userData[GCTI_GMS_PushDeviceType]': 'customhttp',
  'userData[GCTI_GMS_NodeGroup]': 'gms-cluster',
};

async function subscribed(userData: Record<string, string>): Promise<{ customer: GmsRestClient; agent: Actor }> {
  const customer = new GmsRestClient(base);
  expect((await customer.requestChat({ nickname: 'Ann', ...SUBSCRIBE, ...userData })).status).toBe(200);
  const { party } = await embedded.engine.join(customer.chatId, { userType: 'AGENT', nickname: 'Bob', protocol: 'BASIC', clientVersion: 106 });
  return { customer, agent: { sessionId: party.sessionId, userId: party.userId, secureKey: party.secureKey } };
}

const ofSession = (sessionId: string) => pushes.filter((p) => p.sessionId === sessionId).map((p) => p.push);

describe('push records of a REST customer subscribed at Request Chat', () => {
  it('with the payload: one record per event the customer sees, carrying the event and its sender', async () => {
    const { customer, agent } = await subscribed({ 'userData[GCTI_GMS_PushIncludePayload]': 'true' });
    await embedded.engine.notice(agent, { noticeType: 'TYPING_STARTED' });
    await embedded.engine.message(agent, { text: 'hello Ann' });
    const [joined, message] = await until(async () => (ofSession(customer.chatId).length >= 2 ? ofSession(customer.chatId) : undefined), 'two push records');
    expect(joined.payload).toMatchObject({ event: { kind: 'newParty', nickname: 'Bob' }, from: { userType: 'AGENT', nickname: 'Bob' } });
    expect(message).toMatchObject({
      id: `${customer.chatId}-4-0`,
      userId: customer.userId,
      subscription: { deviceId: 'device-42', deviceType: 'customhttp', includePayload: true, resend: false, notifyRequestor: false, nodeGroup: 'gms-cluster' },
      attempt: 0,
      position: 2,
      nextPosition: 5,
      chatEnded: false,
      secureKey: customer.secureKey,
      content: { 'app-dbid': 'gms7', 'secure-key': customer.secureKey, 'session-id': customer.chatId, 'user-id': customer.userId },
      payload: { event: { kind: 'message', text: 'hello Ann', position: 3 }, from: { userType: 'AGENT' } },
    });
    // The customer's own message is not told without GCTI_GMS_NotifyRequestor; the agent's close removes it (quit reason 4).
    expect((await customer.op('send', { message: 'thanks' })).status).toBe(200);
    await embedded.engine.leave(agent, 'FORCE_CLOSE');
    const all = await until(async () => (ofSession(customer.chatId).length >= 4 ? ofSession(customer.chatId) : undefined), 'the closing push records');
    expect(all[2].payload?.event).toMatchObject({ kind: 'partyLeft', nickname: 'Bob', quitReasonCode: '0' });
    expect(all[3]).toMatchObject({ position: -1, chatEnded: true, payload: { event: { kind: 'partyLeft', userId: customer.userId, quitReasonCode: '4' } } });
    expect(ofSession(customer.chatId).map((p) => p.payload?.event.kind)).toEqual(['newParty', 'message', 'partyLeft', 'partyLeft']);
  });

  it('with reliable delivery: triggers without payload, resent while the customer does not refresh', async () => {
    const { customer, agent } = await subscribed({ 'userData[GCTI_GMS_PushIncludePayload]': 'true', 'userData[GCTI_GMS_PushResend]': 'true' });
    await embedded.engine.message(agent, { text: 'are you there?' });
    const resent = await until(async () => ofSession(customer.chatId).find((p) => p.attempt === 1), 'the resend of a push record');
    const mine = ofSession(customer.chatId);
    // The agent's join, then its message: one trigger each; the message's is resent (the last, per flex-push-resend-attempts).
    expect(mine.map((p) => [p.id, p.attempt, p.position, p.nextPosition])).toEqual([
      [`${customer.chatId}-2-0`, 0, 2, 3],
      [`${customer.chatId}-3-0`, 0, 2, 4],
      [`${customer.chatId}-3-1`, 1, 2, 4],
    ]);
    expect(resent.at).toBeGreaterThanOrEqual(mine[1].at + 1000);
    expect(mine.every((p) => p.payload === undefined && p.subscription.resend)).toBe(true);
    // A refresh reads what was announced: the next trigger points past it.
    expect((await customer.op('refresh')).status).toBe(200);
    await embedded.engine.message(agent, { text: 'hello?' });
    const next = await until(async () => ofSession(customer.chatId).find((p) => p.nextPosition === 5), 'the next push record');
    expect(next).toMatchObject({ attempt: 0, position: 4 });
  });

  it('a CometD customer of the CometD form: nothing while connected, notices without payload once its client is gone', async () => {
    const cometd = await GmsCometdClient.connect(`${base}/genesys/cometd`, 'long-polling');
    const created = await cometd.requestChat({ nickname: 'Cy', userData: { push_notification_deviceid: 'phone-7', push_notification_type: 'customhttp' } });
    const sessionId = created.chatId ?? '';
    const { party } = await embedded.engine.join(sessionId, { userType: 'AGENT', nickname: 'Bob', protocol: 'BASIC', clientVersion: 106 });
    const agent = { sessionId, userId: party.userId, secureKey: party.secureKey };
    await embedded.engine.message(agent, { text: 'live' });
    await cometd.message((m) => m.text === 'live', 'the live message');
    await cometd.disconnect();
    // The gateway lets go of the Bayeux client on its disconnect: from then on, a message is pushed.
    const notice = await until(async () => {
      await embedded.engine.message(agent, { text: 'in the background' });
      return ofSession(sessionId)[0];
    }, 'a push record once the CometD client is gone');
    expect(notice).toMatchObject({ subscription: { deviceId: 'phone-7', deviceType: 'customhttp', includePayload: false }, attempt: 0, chatEnded: false });
    expect(notice.payload).toBeUndefined();
    expect(notice.position).toBeGreaterThan(3);
  });

  it('refuses a device type other than customhttp at Request Chat, naming the key and value', async () => {
    const reply = await new GmsRestClient(base).requestChat({ nickname: 'Ann', ...SUBSCRIBE, 'userData[GCTI_GMS_PushDeviceType]': 'fcm' });
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.[0].message).toBe('GCTI_GMS_PushDeviceType "fcm" is not supported; expected customhttp');
  });
});
