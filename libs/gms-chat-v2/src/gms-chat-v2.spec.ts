import { MemoryEventBus, MemoryTranscriptStore } from '@ocs/adapters-memory';
import { ChatError, CredentialsRefused, DEFAULT_RULES } from '@ocs/chat-domain';
import { ManualClock, SequentialIds } from '@ocs/chat-domain/testing';
import { ChatEngine, type Actor } from '@ocs/chat-engine';
import { GmsApiError, toGmsFailure } from './errors';
import { CustomerChat, type ChatOperation } from './operations';
import { eventAttributes, readRequestChat, stringMap, transcriptPosition } from './requests';

function setup() {
  const clock = new ManualClock(Date.UTC(2026, 10, 25, 12));
  const engine = new ChatEngine({ clock, ids: new SequentialIds(), rules: DEFAULT_RULES, store: new MemoryTranscriptStore(), bus: new MemoryEventBus() });
  const chat = new CustomerChat(engine, { alias: '7', service: (s) => (s === 'customer-support' ? { tenantDbid: 1, endpoint: 'default' } : undefined) });
  return { clock, engine, chat };
}

async function started(chat: CustomerChat, fields: Record<string, unknown> = { nickname: 'Ann' }) {
  const { party, response } = await chat.requestChat('customer-support', fields);
  const actor: Actor = { sessionId: party.sessionId, userId: party.userId, secureKey: party.secureKey };
  return { party, response, actor };
}

function gmsCode(work: () => unknown): number {
  try {
    work();
  } catch (error) {
    if (error instanceof GmsApiError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('Request Chat', () => {
  it('answers with the identity triple, the join event and the next position', async () => {
    const { chat } = setup();
    const { party, response } = await started(chat, {
      firstName: 'Ann',
      lastName: 'Lee',
      emailAddress: 'ann@example.com',
      subject: 'Help',
      'userData[GCTI_LanguageCode]': 'en-US',
    });
    expect(response).toMatchObject({
      statusCode: 0,
      alias: '7',
      chatEnded: false,
      chatId: party.sessionId,
      userId: party.userId,
      secureKey: party.secureKey,
      nextPosition: 2,
      monitored: false,
    });
    expect(response.messages).toEqual([
      {
        from: { nickname: 'Ann Lee', participantId: 1, type: 'Client' },
        index: 1,
        type: 'ParticipantJoined',
        utcTime: Date.UTC(2026, 10, 25, 12),
        userData: { FirstName: 'Ann', LastName: 'Lee', EmailAddress: 'ann@example.com', Subject: 'Help', GCTI_LanguageCode: 'en-US' },
      },
    ]);
  });

  it('refuses an unknown service with code 306', async () => {
    const { chat } = setup();
    await expect(chat.requestChat('nope', { nickname: 'x' })).rejects.toMatchObject({ code: 306, httpStatus: 404 });
  });

  it('needs a nickname or both names, and a plausible e-mail address', () => {
    expect(gmsCode(() => readRequestChat({}))).toBe(161);
    expect(gmsCode(() => readRequestChat({ firstName: 'Ann' }))).toBe(103);
    expect(gmsCode(() => readRequestChat({ lastName: 'Lee' }))).toBe(102);
    expect(gmsCode(() => readRequestChat({ nickname: 'Ann', emailAddress: 'not-an-address' }))).toBe(364);
    expect(readRequestChat({ nickname: '  Ann ' }).nickname).toBe('Ann');
  });
});

describe('request fields', () => {
  it('reads userData from bracket keys and from a nested object', () => {
    expect(stringMap({ 'userData[a]': '1', 'userData[b c]': 'x' }, 'userData')).toEqual({ a: '1', 'b c': 'x' });
    expect(stringMap({ userData: { a: 'x', n: 5 } }, 'userData')).toEqual({ a: 'x', n: '5' });
    expect(stringMap({}, 'userData')).toBeUndefined();
    expect(() => stringMap({ 'userData[a]': ['1', '2'] }, 'userData')).toThrow('userData[a] must be a single text value');
    expect(() => stringMap({ userData: 'text' }, 'userData')).toThrow('userData must be an object');
  });

  it('reads transcriptPosition as a whole number', () => {
    expect(transcriptPosition({ transcriptPosition: '5' })).toBe(5);
    expect(transcriptPosition({ transcriptPosition: '-1' })).toBe(-1);
    expect(transcriptPosition({})).toBeUndefined();
    expect(() => transcriptPosition({ transcriptPosition: '1e3' })).toThrow('transcriptPosition must be a whole number');
  });

  it('reads eventAttributes from a JSON string or object, keeping an escaped JSON string a string', () => {
    const content = JSON.stringify({ type: 'carousel', items: [1, 2] });
    const parsed = eventAttributes({ eventAttributes: JSON.stringify({ 'structured-content': { 'genesys-chat': { content, type: 'carousel' } } }) });
    expect(parsed).toEqual({ 'structured-content': { 'genesys-chat': { content, type: 'carousel' } } });
    expect(() => eventAttributes({ eventAttributes: '{oops' })).toThrow('eventAttributes must be a JSON object');
    expect(() => eventAttributes({ eventAttributes: '[1]' })).toThrow('eventAttributes must be a JSON object');
  });
});

describe('operations', () => {
  it('sends a message and returns the transcript from the requested position', async () => {
    const { chat } = setup();
    const { actor } = await started(chat);
    const reply = await chat.operate('send', actor, { message: 'hello 👋', transcriptPosition: '2' });
    expect(reply.messages).toMatchObject([{ index: 2, type: 'Message', text: 'hello 👋', from: { participantId: 1, type: 'Client' } }]);
    expect(reply.nextPosition).toBe(3);
    const noTranscript = await chat.operate('send', actor, { message: 'again' });
    expect(noTranscript.messages).toEqual([]);
    expect(noTranscript.nextPosition).toBe(4);
  });

  it('a reply never shows the customer quit reason 0 or 3 of its own departure (only push notices do); others’ codes are shown', async () => {
    const { chat, engine } = setup();
    const { actor } = await started(chat);
    const agent = (await engine.join(actor.sessionId, { userType: 'AGENT', nickname: 'Bob', protocol: 'BASIC', clientVersion: 106 })).party;
    await engine.leave({ sessionId: agent.sessionId, userId: agent.userId, secureKey: agent.secureKey }, 'KEEP_ALIVE', { eventAttributes: { topic: 'x' } });
    const left = await chat.operate('disconnect', actor, { transcriptPosition: '1' });
    expect(left.messages.filter((m) => m.type === 'ParticipantLeft').map((m) => [m.from.nickname, m.eventAttributes])).toEqual([
      ['Bob', { topic: 'x', GCTI_SYSTEM: { 'quit-reason-code': '0' } }],
      ['Ann', undefined],
    ]);
    const other = await started(chat);
    await engine.disconnect(other.actor);
    const removed = await chat.respond(other.actor, 1);
    expect(removed.messages.at(-1)).toMatchObject({ type: 'ParticipantLeft', from: { nickname: 'Ann' } });
    expect(removed.messages.at(-1)?.eventAttributes).toBeUndefined();
  });

  it('refresh returns everything by default, from a position, or only the latest event for -1', async () => {
    const { chat } = setup();
    const { actor } = await started(chat);
    await chat.operate('send', actor, { message: 'one' });
    await chat.operate('send', actor, { message: 'two' });
    expect((await chat.operate('refresh', actor, {})).messages.map((m) => m.index)).toEqual([1, 2, 3]);
    expect((await chat.operate('refresh', actor, { transcriptPosition: '0' })).messages.map((m) => m.index)).toEqual([1, 2, 3]);
    expect((await chat.operate('refresh', actor, { transcriptPosition: '3' })).messages.map((m) => m.text)).toEqual(['two']);
    expect((await chat.operate('refresh', actor, { transcriptPosition: '-1' })).messages.map((m) => m.text)).toEqual(['two']);
    expect((await chat.operate('refresh', actor, { transcriptPosition: '9' })).messages).toEqual([]);
  });

  it('maps typing, push URL, custom notice and nickname updates onto their message types', async () => {
    const { chat } = setup();
    const { actor } = await started(chat);
    await chat.operate('startTyping', actor, { message: 'I am wri' });
    await chat.operate('stopTyping', actor, {});
    await chat.operate('pushUrl', actor, { pushUrl: 'https://example.com/p' });
    await chat.operate('customNotice', actor, { message: 'custom', eventAttributes: '{"purpose":"cancel-idle-timer"}' });
    await chat.operate('updateNickname', actor, { nickname: 'Annie' });
    const reply = await chat.operate('refresh', actor, { transcriptPosition: '2' });
    expect(reply.messages.map((m) => [m.type, m.text ?? '', m.from.nickname])).toEqual([
      ['TypingStarted', 'I am wri', 'Ann'],
      ['TypingStopped', '', 'Ann'],
      ['PushUrl', 'https://example.com/p', 'Ann'],
      ['CustomNotice', 'custom', 'Ann'],
      ['NicknameUpdated', 'Annie', 'Annie'],
    ]);
    expect(reply.messages[3].eventAttributes).toEqual({ purpose: 'cancel-idle-timer' });
  });

  it('disconnect ends the chat for the customer, who can still read the last transcript', async () => {
    const { chat } = setup();
    const { actor } = await started(chat);
    await chat.operate('send', actor, { message: 'bye' });
    const reply = await chat.operate('disconnect', actor, {});
    expect(reply.chatEnded).toBe(true);
    const last = await chat.operate('refresh', actor, {});
    expect(last.chatEnded).toBe(true);
    expect(last.messages.map((m) => m.type)).toEqual(['ParticipantJoined', 'Message', 'ParticipantLeft']);
  });

  it('makes one engine call per operation, which answers the reply the customer asked for', async () => {
    const { engine } = setup();
    const calls: string[] = [];
    const counting = new Proxy(engine, {
      get(target, name, receiver) {
        const value: unknown = Reflect.get(target, name, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push(String(name));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const chat = new CustomerChat(counting, { alias: '7', service: () => ({ tenantDbid: 1, endpoint: 'default' }) });
    const { actor } = await started(chat);
    const operations: Array<[ChatOperation, Record<string, string>]> = [
      ['send', { message: 'hi', transcriptPosition: '1' }],
      ['startTyping', {}],
      ['stopTyping', { transcriptPosition: '2' }],
      ['pushUrl', { pushUrl: 'https://example.com' }],
      ['customNotice', { message: 'x', transcriptPosition: '-1' }],
      ['updateNickname', { nickname: 'Annie' }],
      ['updateData', { 'userData[Page]': 'checkout', transcriptPosition: '1' }],
      ['refresh', {}],
      ['disconnect', { transcriptPosition: '1' }],
    ];
    for (const [operation, fields] of operations) {
      calls.length = 0;
      const reply = await chat.operate(operation, actor, fields);
      expect({ operation, calls: calls.length }).toEqual({ operation, calls: 1 });
      const position = fields.transcriptPosition ?? (operation === 'refresh' ? '1' : undefined);
      const expected = position === undefined ? 0 : position === '-1' ? 1 : (reply.nextPosition ?? 0) - Number(position);
      expect({ operation, messages: reply.messages?.length ?? 0 }).toEqual({ operation, messages: expected });
    }
  });

  it('refuses missing fields by name', async () => {
    const { chat } = setup();
    const { actor } = await started(chat);
    await expect(chat.operate('send', actor, {})).rejects.toThrow('message is required');
    await expect(chat.operate('pushUrl', actor, {})).rejects.toThrow('pushUrl is required');
    await expect(chat.operate('updateData', actor, {})).rejects.toThrow('userData is required');
  });
});

describe('failures', () => {
  it('answer in the response shape with GMS codes', () => {
    expect(toGmsFailure(new CredentialsRefused('gone'), '7')).toEqual({
      httpStatus: 404,
      internal: false,
      body: { statusCode: 2, alias: '7', chatEnded: true, messages: [], errors: [{ code: 404, message: 'gone' }] },
    });
    expect(toGmsFailure(new ChatError('TEXT_TOO_LONG', 'long'), '7').body.errors).toEqual([{ code: 204, message: 'long' }]);
    const internal = toGmsFailure(new Error('secret detail'), '7');
    expect(internal).toMatchObject({ httpStatus: 500, internal: true, body: { statusCode: 1 } });
    expect(JSON.stringify(internal.body)).not.toContain('secret detail');
  });

  it.each(['STORAGE_UNAVAILABLE', 'NOT_OWNER', 'LIMIT_REACHED'] as const)('%s is a passing 503 (statusCode 1: try again), the chat not ended', (code) => {
    expect(toGmsFailure(new ChatError(code, 'try again'), '7')).toEqual({
      httpStatus: 503,
      internal: false,
      body: { statusCode: 1, alias: '7', chatEnded: false, messages: [], errors: [{ code: 503, message: 'try again' }] },
    });
  });

  it('a SESSION_NOT_FOUND that does not refuse the credentials (the session between nodes) is a passing 503, the chat not ended', () => {
    expect(toGmsFailure(new ChatError('SESSION_NOT_FOUND', 'chat session S1 could not be restored now'), '7')).toEqual({
      httpStatus: 503,
      internal: false,
      body: {
        statusCode: 1,
        alias: '7',
        chatEnded: false,
        messages: [],
        errors: [{ code: 503, message: 'the chat session is moving to another server after a failure; try again' }],
      },
    });
  });
});
