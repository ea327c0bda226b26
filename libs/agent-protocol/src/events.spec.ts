import type { EventView, SessionView } from '@ocs/chat-engine';
import { errorEvent, registeredEvent, toAck, toSessionInfo, toWireEvent } from './events';

const agent = { userId: 'A1', nickname: 'Ann', userType: 'AGENT', partyNumber: 2, isBot: false } as const;
const bot = { ...agent, userId: 'B1', nickname: 'Botty', isBot: true } as const;

const newBot: EventView = {
  from: bot,
  event: {
    kind: 'newParty',
    position: 1,
    eventId: 2,
    at: 1000,
    userId: 'B1',
    nickname: 'Botty',
    visibility: 'ALL',
    userType: 'AGENT',
    personId: 'bot-1',
    protocol: 'BASIC',
    clientVersion: 106,
    userData: { GCTI_Chat_PartyStyle: 'BOT' },
    eventAttributes: { GCTI_SYSTEM: { 'party-info': { style: 'BOT' } } },
  },
};

const directMessage: EventView = {
  from: agent,
  event: {
    kind: 'message',
    position: 3,
    eventId: 4,
    at: 2000,
    userId: 'A1',
    nickname: 'Ann',
    visibility: 'ALL',
    receiverId: 'S1',
    text: 'psst',
    messageType: 'text',
  },
};

const left: EventView = {
  from: agent,
  event: {
    kind: 'partyLeft',
    position: 4,
    eventId: 5,
    at: 3000,
    userId: 'A1',
    nickname: 'Ann',
    visibility: 'ALL',
    reason: { code: 3, text: 'left due to disconnect' },
    quitReasonCode: '3',
    eventAttributes: { GCTI_SYSTEM: { 'quit-reason-code': '3' } },
  },
};

const typing: EventView = {
  from: agent,
  event: { kind: 'notice', position: 2, eventId: 3, at: 1500, userId: 'A1', nickname: 'Ann', visibility: 'INT', noticeType: 'TYPING_STARTED', text: '' },
};

describe('toWireEvent', () => {
  it('maps a bot joining, with its person id, user data and attributes', () => {
    expect(toWireEvent(newBot)).toEqual({
      eventId: 2,
      position: 1,
      kind: 'newParty',
      at: 1000,
      userId: 'B1',
      nickname: 'Botty',
      userType: 'AGENT',
      partyNumber: 2,
      visibility: 'ALL',
      isBot: true,
      personId: 'bot-1',
      userData: { GCTI_Chat_PartyStyle: 'BOT' },
      eventAttributes: { GCTI_SYSTEM: { 'party-info': { style: 'BOT' } } },
    });
  });

  it('maps a direct message and leaves out isBot for humans', () => {
    const wire = toWireEvent(directMessage);
    expect(wire).toMatchObject({ kind: 'message', text: 'psst', messageType: 'text', receiverId: 'S1', userType: 'AGENT' });
    expect(wire).not.toHaveProperty('isBot');
  });

  it('maps a departure with its reason and quit reason code', () => {
    expect(toWireEvent(left)).toMatchObject({
      kind: 'partyLeft',
      reason: { code: 3, text: 'left due to disconnect' },
      quitReasonCode: '3',
      eventAttributes: { GCTI_SYSTEM: { 'quit-reason-code': '3' } },
    });
  });

  it('maps a notice with its type and text', () => {
    expect(toWireEvent(typing)).toMatchObject({ kind: 'notice', noticeType: 'TYPING_STARTED', text: '', visibility: 'INT' });
  });
});

describe('toSessionInfo', () => {
  const view: SessionView = {
    sessionId: 'S',
    userId: 'A1',
    closed: false,
    left: false,
    monitored: true,
    clientVersion: 106,
    nextPosition: 5,
    events: [typing, directMessage],
  };

  it('carries the increment, the status and the request id of a reply', () => {
    expect(toSessionInfo(view, 'j1')).toEqual({
      type: 'sessionInfo',
      requestId: 'j1',
      sessionId: 'S',
      userId: 'A1',
      status: 'ALIVE',
      monitored: true,
      nextPosition: 5,
      events: [toWireEvent(typing), toWireEvent(directMessage)],
    });
  });

  it('reports a closed session, and the monitored flag only to client version 105 and later', () => {
    const info = toSessionInfo({ ...view, closed: true, monitored: false, clientVersion: 104, events: [] });
    expect(info).toMatchObject({ status: 'CLOSED', events: [] });
    expect(info).not.toHaveProperty('monitored');
    expect(info).not.toHaveProperty('requestId');
  });

  it('passes on the transcript-auto-save=2 notice, and has no such field otherwise', () => {
    expect(toSessionInfo({ ...view, events: [], transcriptNotice: 'ucs-save-fail' })).toMatchObject({ transcriptNotice: 'ucs-save-fail', events: [] });
    expect(toSessionInfo(view)).not.toHaveProperty('transcriptNotice');
  });
});

describe('replies', () => {
  it('acknowledges with the event the request appended', () => {
    expect(toAck({ requestId: 'm1', sessionId: 'S' }, directMessage.event)).toEqual({ type: 'ack', requestId: 'm1', sessionId: 'S', eventId: 4, position: 3 });
    expect(toAck({ sessionId: 'S' }, directMessage.event)).toEqual({ type: 'ack', sessionId: 'S', eventId: 4, position: 3 });
  });

  it('builds registered and error events', () => {
    expect(registeredEvent({ nickname: 'Ann', userType: 'AGENT', clientVersion: 106 }, 1)).toEqual({
      type: 'registered',
      requestId: 1,
      nickname: 'Ann',
      userType: 'AGENT',
    });
    expect(errorEvent('NOT_REGISTERED', 'send register before join')).toEqual({ type: 'error', code: 'NOT_REGISTERED', message: 'send register before join' });
  });
});
