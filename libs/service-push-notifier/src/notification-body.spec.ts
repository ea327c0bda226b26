import type { PushNotice } from '@ocs/contracts';
import { toGmsMessage } from '@ocs/gms-chat-v2';
import { pushRecord } from '@ocs/testing';
import { notificationBody } from './notification-body';

const options = { alias: '1' };
const payload: PushNotice['payload'] = {
  event: { kind: 'message', position: 6, at: 1_568_662_361_000, userId: 'agent-1', text: 'Hello there', visibility: 'ALL' },
  from: { userId: 'agent-1', nickname: 'Ann', userType: 'AGENT', partyNumber: 2, isBot: false },
} as PushNotice['payload'];

const notice = (overrides: Omit<Partial<PushNotice>, 'subscription'> & { subscription?: Partial<PushNotice['subscription']> } = {}): PushNotice => {
  const { push } = pushRecord('session-1', { id: 'n-1', deviceId: 'device-9', at: 1_568_662_361_000 });
  return { ...push, ...overrides, subscription: { ...push.subscription, ...overrides.subscription } };
};

describe('the custom-http notification body', () => {
  it('carries the event as a Chat V2 message when the payload is included', () => {
    const body = notificationBody('session-1', notice({ payload, subscription: { includePayload: true, resend: false }, nextPosition: 8 }), options);
    expect(body).toEqual({
      message: {
        secureKey: 'secure-key-1',
        chatId: 'session-1',
        nextPosition: 8,
        messages: [toGmsMessage(payload!)],
        alias: '1',
        chatEnded: false,
        userId: 'user-1',
        statusCode: 0,
        monitored: false,
      },
      deviceId: 'device-9',
    });
    expect((body.message as { messages: unknown[] }).messages[0]).toMatchObject({ type: 'Message', text: 'Hello there', index: 7, from: { nickname: 'Ann' } });
  });

  it.each([
    [{}, {}],
    [{ 'secure-key': 'c6c9a6d96dc14cef5f94' }, { 'secure-key': 'c6c9a6d96dc14cef5f94' }],
    [
      { 'app-dbid': '131', 'secure-key': 'k', 'user-id': '007D5D7FE31F001B', 'session-id': '00020aEQFW6V0029' },
      { 'app-dbid': '131', 'secure-key': 'k', 'user-id': '007D5D7FE31F001B', 'session-id': '00020aEQFW6V0029' },
    ],
  ])('is the reliable PushUrl trigger with the flex-push-content keys %j under resend, never the event', (content, userData) => {
    const body = notificationBody(
      'session-1',
      notice({ payload, content, attempt: 2, position: 16, nextPosition: 17, chatEnded: true, subscription: { includePayload: true, resend: true } }),
      options,
    );
    expect(body).toEqual({
      message: expect.objectContaining({ chatId: 'session-1', nextPosition: 17, chatEnded: true, statusCode: 0, monitored: false, alias: '1' }),
      deviceId: 'device-9',
    });
    expect((body.message as { messages: unknown[] }).messages).toEqual([
      {
        from: { nickname: '', participantId: 0, type: 'Client' },
        index: 0,
        type: 'PushUrl',
        text: 'PUSH-NOTIFICATION',
        utcTime: 1_568_662_361_000,
        userData: { 'notify-attempt': '2', 'notify-position': '16', ...userData },
      },
    ]);
  });

  it('says notify-position -1 for a customer removed from the session', () => {
    const body = notificationBody('session-1', notice({ position: -1 }), options);
    expect(JSON.stringify(body)).toContain('"notify-position":"-1"');
  });

  it('is the device id alone without payload or resend, as GMS sends without PushIncludePayload', () => {
    expect(notificationBody('session-1', notice({ payload, subscription: { includePayload: false, resend: false } }), options)).toEqual({
      deviceId: 'device-9',
    });
  });

  it('has customhttp.message in place of the content whatever the subscription', () => {
    for (const subscription of [
      { includePayload: true, resend: false },
      { includePayload: true, resend: true },
      { includePayload: false, resend: false },
    ]) {
      expect(notificationBody('session-1', notice({ payload, subscription }), { alias: '1', customMessage: 'You have news' })).toEqual({
        message: 'You have news',
        deviceId: 'device-9',
      });
    }
  });
});
