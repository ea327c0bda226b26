import { readInteractionEvent } from './interaction-events';
import { readNodeCommand } from './node-commands';
import { readSessionEvent, type SessionEventRecord } from './session-events';

const message: SessionEventRecord = {
  type: 'event',
  sessionId: 'S1',
  event: { kind: 'message', position: 1, eventId: 2, at: 1, userId: 'U1', nickname: 'Ann', visibility: 'ALL', text: 'hi', userData: { a: { b: 'c' } } },
  from: { userId: 'U1', nickname: 'Ann', userType: 'CLIENT', partyNumber: 1, isBot: false },
};

describe('session event records', () => {
  it.each<SessionEventRecord>([
    {
      type: 'created',
      sessionId: 'S1',
      at: 1,
      userData: { Subject: 'Billing' },
      properties: {},
      service: { name: 'chat', tenantDbid: 1, endpoint: 'default' },
    },
    message,
    { type: 'properties', sessionId: 'S1', interactionId: 'I1', properties: { GCTI_Chat_AsyncStatus: '1' } },
    { type: 'closed', sessionId: 'S1', at: 5 },
    { type: 'closed', sessionId: 'S1', at: 5, saveFailed: true },
    { type: 'purged', sessionId: 'S1' },
    { type: 'restored', sessionId: 'S1', nodeId: 'B', previousNodeId: 'A' },
    {
      type: 'push',
      sessionId: 'S1',
      push: {
        id: 'S1:U1:2:0',
        userId: 'U1',
        at: 3,
        subscription: { deviceId: 'd1', deviceType: 'customhttp', notifyRequestor: false, includePayload: true, resend: false },
        attempt: 0,
        position: 2,
        nextPosition: 3,
        chatEnded: false,
        secureKey: 'k',
        content: { 'session-id': 'S1', 'user-id': 'U1' },
        payload: { event: message.event, from: message.from },
      },
    },
  ])('reads a well-formed $type record as it is', (record) => {
    expect(readSessionEvent(JSON.parse(JSON.stringify(record)))).toEqual({ value: record });
  });

  it.each<[string, unknown, RegExp]>([
    ['a value that is no record', 'created', /expected object/],
    ['a record without its session', { type: 'closed', at: 5 }, /sessionId/],
    ['an event of an unknown kind', { ...message, event: { ...message.event, kind: 'shout' } }, /event\.kind/],
    ['an event from a party of an unknown type', { ...message, from: { ...message.from, userType: 'ROBOT' } }, /from\.userType/],
    ['user data with a number in it', { ...message, event: { ...message.event, userData: { a: 1 } } }, /userData/],
    ['properties that are not strings', { type: 'properties', sessionId: 'S1', properties: { a: 1 } }, /properties/],
    ['a push notice without its device', { type: 'push', sessionId: 'S1', push: { id: 'n', userId: 'U1', subscription: {} } }, /push\.subscription\.deviceId/],
  ])('refuses %s, naming the problem', (_, value, problem) => {
    const read = readSessionEvent(value);
    expect(read).toEqual({ problem: expect.stringMatching(problem) });
  });

  it('passes over a record type it does not know (a newer producer may add one), naming it', () => {
    expect(readSessionEvent({ type: 'renamed', sessionId: 'S1' })).toEqual({ ignored: 'record type "renamed"' });
  });

  it('passes over, unchecked, a record of a type the consumer does not act on', () => {
    const broken = { ...message, event: { kind: 'shout' } };
    expect(readSessionEvent(broken, ['created', 'closed'])).toEqual({ ignored: 'record type "event"' });
    expect(readSessionEvent(broken)).toEqual({ problem: expect.stringMatching(/event/) });
  });
});

describe('node command and interaction event records', () => {
  it('reads well-formed ones and refuses the rest by name', () => {
    expect(readNodeCommand({ type: 'purge', sessionId: 'S1', nodeId: 'A', by: 'B' })).toEqual({
      value: { type: 'purge', sessionId: 'S1', nodeId: 'A', by: 'B' },
    });
    expect(readNodeCommand({ type: 'purge', sessionId: 'S1', by: 'B' })).toEqual({ problem: expect.stringMatching(/nodeId/) });
    expect(readInteractionEvent({ type: 'stopped', interactionId: 'I1' })).toEqual({ value: { type: 'stopped', interactionId: 'I1' } });
    expect(readInteractionEvent({ type: 'stopped', interactionId: '' })).toEqual({ problem: expect.stringMatching(/interactionId/) });
  });
});
