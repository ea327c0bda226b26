import { agent, customer, errorCode, join, startChat } from '../test/helpers';
import type { MessageEvent } from '../types';

const asMessage = (e: unknown) => e as MessageEvent;

describe('messages', () => {
  it('a message event carries sender, nickname, text, type and visibility', () => {
    const { ctx, session, customer: c } = startChat();
    ctx.clock.advance(42);
    const change = session.message(c.userId, { text: 'hello', messageType: 'text' });
    expect(change).toEqual({
      closed: false,
      events: [
        {
          kind: 'message',
          position: 1,
          eventId: 2,
          at: ctx.clock.now(),
          userId: c.userId,
          nickname: 'Customer',
          visibility: 'ALL',
          text: 'hello',
          messageType: 'text',
        },
      ],
    });
  });

  it('an empty text is a valid message; a non-string text is not', () => {
    const { session, customer: c } = startChat();
    expect(errorCode(() => session.message(c.userId, { text: '' }))).toBe('NO ERROR');
    expect(errorCode(() => session.message(c.userId, { text: undefined as unknown as string }))).toBe('INVALID_ARGUMENT');
    expect(errorCode(() => session.message(c.userId, { text: 42 as unknown as string }))).toBe('INVALID_ARGUMENT');
  });
});

describe('rich messages', () => {
  const richContent = JSON.stringify({
    type: 'QuickReplies',
    content: [
      { id: '1', type: 'QuickReply', text: 'Yes' },
      { id: '2', type: 'QuickReply', text: 'No' },
    ],
  });

  it('a structured message keeps both its fallback text and structured-content/genesys-chat/content|type', () => {
    const { session, customer: c } = startChat();
    const a = join(session, agent());
    const attributes = { 'structured-content': { 'genesys-chat': { content: richContent, type: 'QuickReplies' } } };
    const [rich] = session.message(a.userId, { text: 'Yes or No?', eventAttributes: attributes }).events;
    expect(asMessage(rich).text).toBe('Yes or No?');
    expect(rich.eventAttributes).toEqual({ 'structured-content': { 'genesys-chat': { content: richContent, type: 'QuickReplies' } } });
    // what the customer (version 106) reads has both too
    const seen = session.eventsFor(c.userId).find((e) => e.eventId === rich.eventId);
    expect(seen).toMatchObject({ text: 'Yes or No?', eventAttributes: attributes });
    // the content is stored as given, byte for byte
    expect(JSON.parse(String((rich.eventAttributes?.['structured-content'] as Record<string, Record<string, string>>)['genesys-chat'].content))).toEqual(
      JSON.parse(richContent),
    );
  });

  it('a reader too old for eventAttributes gets the fallback text', () => {
    const { session } = startChat({ creator: customer({ clientVersion: 105 }) });
    const a = join(session, agent());
    const old = session.state.participants[0];
    const [rich] = session.message(a.userId, {
      text: 'Yes or No?',
      eventAttributes: { 'structured-content': { 'genesys-chat': { content: richContent, type: 'QuickReplies' } } },
    }).events;
    const seen = session.eventsFor(old.userId).find((e) => e.eventId === rich.eventId);
    expect(seen).toMatchObject({ kind: 'message', text: 'Yes or No?' });
    expect(seen?.eventAttributes).toBeUndefined();
    // the stored event keeps them for everyone else
    expect(rich.eventAttributes).toBeDefined();
  });

  it("a reply's general-properties/related-event-id is kept", () => {
    const { session, customer: c } = startChat();
    const a = join(session, agent());
    const [rich] = session.message(a.userId, {
      text: 'Yes or No?',
      eventAttributes: { 'structured-content': { 'genesys-chat': { content: richContent, type: 'QuickReplies' } } },
    }).events;
    const [reply] = session.message(c.userId, { text: 'Yes', eventAttributes: { 'general-properties': { 'related-event-id': String(rich.eventId) } } }).events;
    expect(reply.eventAttributes).toEqual({ 'general-properties': { 'related-event-id': '3' } });
    expect(session.eventsFor(a.userId).find((e) => e.eventId === reply.eventId)?.eventAttributes).toEqual({
      'general-properties': { 'related-event-id': '3' },
    });
  });

  it('the attributes are copied: changing the request afterwards does not change the transcript', () => {
    const { session, customer: c } = startChat();
    const attributes = { 'general-properties': { 'related-event-id': '1' } };
    const [reply] = session.message(c.userId, { text: 'ok', eventAttributes: attributes, userData: { a: 'b' } }).events;
    attributes['general-properties']['related-event-id'] = '999';
    expect(reply.eventAttributes).toEqual({ 'general-properties': { 'related-event-id': '1' } });
    expect(reply.userData).toEqual({ a: 'b' });
  });
});

describe('message-max-size (UTF-8 bytes)', () => {
  it('a text exactly at the limit is accepted, one byte more is TEXT_TOO_LONG', () => {
    const { session, customer: c } = startChat({ rules: { messageMaxSize: 10 } });
    expect(errorCode(() => session.message(c.userId, { text: 'a'.repeat(10) }))).toBe('NO ERROR');
    expect(errorCode(() => session.message(c.userId, { text: 'a'.repeat(11) }))).toBe('TEXT_TOO_LONG');
    expect(session.state.transcript).toHaveLength(2);
  });

  it('counts bytes, not characters: an emoji is 4 bytes, é is 2, a CJK character 3', () => {
    const { session, customer: c } = startChat({ rules: { messageMaxSize: 8 } });
    expect(errorCode(() => session.message(c.userId, { text: '😀😀' }))).toBe('NO ERROR'); // 8 bytes, 4 UTF-16 units
    expect(errorCode(() => session.message(c.userId, { text: '😀😀a' }))).toBe('TEXT_TOO_LONG'); // 9 bytes
    expect(errorCode(() => session.message(c.userId, { text: 'éééé' }))).toBe('NO ERROR'); // 8 bytes
    expect(errorCode(() => session.message(c.userId, { text: 'ééééa' }))).toBe('TEXT_TOO_LONG'); // 9 bytes, 5 characters
    expect(errorCode(() => session.message(c.userId, { text: '你好' }))).toBe('NO ERROR'); // 6 bytes
    expect(errorCode(() => session.message(c.userId, { text: '你好世' }))).toBe('TEXT_TOO_LONG'); // 9 bytes, 3 characters
  });

  it('the default limit is 16384 bytes', () => {
    const { session, customer: c } = startChat();
    expect(errorCode(() => session.message(c.userId, { text: 'x'.repeat(16384) }))).toBe('NO ERROR');
    expect(errorCode(() => session.message(c.userId, { text: '😀'.repeat(4096) }))).toBe('NO ERROR');
    expect(errorCode(() => session.message(c.userId, { text: '😀'.repeat(4096) + 'x' }))).toBe('TEXT_TOO_LONG');
  });

  it('join text is limited too', () => {
    const { session } = startChat({ rules: { messageMaxSize: 3 } });
    expect(errorCode(() => session.join(agent('A', { text: 'hello' })))).toBe('TEXT_TOO_LONG');
    expect(session.state.participants).toHaveLength(1);
  });
});

describe('any Unicode passes through unchanged', () => {
  const samples: Array<[string, string]> = [
    ['emoji', 'Thanks 👍😀'],
    ['RTL Arabic', 'مرحبا، كيف يمكنني المساعدة؟'],
    ['RTL Hebrew with embedded LTR', 'שלום ABC 123'],
    ['CJK', '你好，世界。こんにちは。안녕하세요'],
    ['combining marks', 'e\u0301 a\u0300 n\u0303 (decomposed, not normalised)'],
    ['ZWJ sequences', '👨‍👩‍👧‍👦 🏳️‍🌈 👩🏽‍💻'],
    ['flags and skin tones', '🇫🇷🇯🇵 👋🏿'],
    ['control-ish characters', 'line1\nline2\ttab \u200b zero-width \u202e override'],
    ['astral plane', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𐍈'],
  ];

  it.each(samples)('%s', (_what, text) => {
    const { session, customer: c } = startChat({ creator: customer({ nickname: text.slice(0, 10) || 'x' }) });
    const a = join(session, agent());
    const [message] = session.message(c.userId, { text }).events;
    const [notice] = session.notice(c.userId, { noticeType: 'TYPING_STARTED', text }).events;
    expect(asMessage(message).text).toBe(text);
    expect(asMessage(notice).text).toBe(text);
    const seen = session.eventsFor(a.userId);
    expect(asMessage(seen[seen.length - 2]).text).toBe(text);
    // a nickname is one line: it loses TAB and LF (input.ts), a text keeps them
    expect(seen[0].nickname).toBe((text.slice(0, 10) || 'x').replace(/[\t\n]/g, ''));
    // no normalisation: the code units are identical
    expect([...asMessage(message).text].map((ch) => ch.codePointAt(0))).toEqual([...text].map((ch) => ch.codePointAt(0)));
  });

  it('a Unicode nickname survives a nickname change', () => {
    const { session, customer: c } = startChat({ creator: customer({ nickname: 'مريم' }) });
    session.notice(c.userId, { noticeType: 'USER_UPDATE_NICK', text: '👩‍💻 小明' });
    expect(session.participant(c.userId)?.nickname).toBe('👩‍💻 小明');
    expect(session.state.transcript[0].userData).toEqual({ GCTI_Original_Nickname: 'مريم' });
  });
});

describe('transcript-max-events', () => {
  it('messages and notices are refused with TRANSCRIPT_FULL once the limit is reached, but parties can still leave', () => {
    const { session, customer: c } = startChat({ rules: { transcriptMaxEvents: 4 } });
    const a = join(session, agent());
    session.message(c.userId, { text: 'one' });
    expect(errorCode(() => session.message(a.userId, { text: 'two' }))).toBe('NO ERROR'); // the 4th event: at the limit
    expect(session.state.transcript).toHaveLength(4);

    expect(errorCode(() => session.message(c.userId, { text: 'three' }))).toBe('TRANSCRIPT_FULL');
    expect(errorCode(() => session.notice(c.userId, { noticeType: 'TYPING_STARTED' }))).toBe('TRANSCRIPT_FULL');
    expect(errorCode(() => session.notice(c.userId, { noticeType: 'USER_UPDATE_NICK', text: 'New' }))).toBe('TRANSCRIPT_FULL');
    expect(session.participant(c.userId)?.nickname).toBe('Customer');
    expect(session.state.transcript).toHaveLength(4);

    const left = session.leave(a.userId, 'KEEP_ALIVE');
    expect(left.events).toHaveLength(1);
    expect(session.state.transcript).toHaveLength(5);
    const closed = session.leave(c.userId, 'KEEP_ALIVE');
    expect(closed.closed).toBe(true);
    expect(session.state.transcript).toHaveLength(6);
  });

  it('a full transcript can still be closed with everyone removed', () => {
    const { session, customer: c } = startChat({ rules: { transcriptMaxEvents: 2 } });
    const a = join(session, agent());
    expect(errorCode(() => session.message(c.userId, { text: 'x' }))).toBe('TRANSCRIPT_FULL');
    const change = session.leave(a.userId, 'FORCE_CLOSE');
    expect(change.closed).toBe(true);
    expect(change.events.map((e) => e.kind)).toEqual(['partyLeft', 'partyLeft']);
  });
});
