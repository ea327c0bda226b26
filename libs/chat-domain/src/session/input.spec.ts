import { DEFAULT_RULES, type InputRules } from '../rules';
import { agent, bot, customer, errorCode, join, last, partyStyle, quitReason, startChat } from '../test/helpers';
import type { KvList, MessageEvent, NewPartyEvent } from '../types';
import { ChatSession } from './chat-session';
import { cleanName, cleanText } from './input';

const withInput = (input: Partial<InputRules>) => ({ input: { ...DEFAULT_RULES.input, ...input } });
const ESC = '\u001b';

describe('control characters (stripped, input.ts)', () => {
  it('texts lose NUL, C0 controls but TAB/LF/CR, DEL and C1; names lose TAB/LF/CR too', () => {
    expect(cleanText(`a\u0000b${ESC}[31mc\u007fd\u0085e\u009bf\tg\nh\ri\u000bj`)).toBe('ab[31mcdef\tg\nh\rij');
    expect(cleanName(`An\u0000n\tB\nC${ESC}`)).toBe('AnnBC');
  });

  it('a clean text is returned as it is, not copied', () => {
    const text = 'Hello, 👋 wörld\n\tand more';
    expect(cleanText(text)).toBe(text);
  });

  it('applies to message text, message type, notice text, user data and event attributes of every party', () => {
    const { session, customer: c } = startChat({ creator: customer({ nickname: `Ca\u0000rol${ESC}[2J` }) });
    expect(session.participant(c.userId)?.nickname).toBe('Carol[2J');
    const a = join(session, agent(`Ann\nB`, { text: `hi\u0000`, userData: { [`k\u0000ey`]: `v\u0007al` }, eventAttributes: { a: `x\u009by` } }));
    expect(a.nickname).toBe('AnnB');
    const joined = last(session) as NewPartyEvent;
    expect([joined.text, joined.userData, joined.eventAttributes]).toEqual(['hi', { key: 'val' }, { a: 'xy' }]);
    const [message] = session.message(c.userId, { text: `line1\nline2\u0000${ESC}]0;pwned\u0007`, messageType: `ty\npe\u0000` }).events as MessageEvent[];
    expect([message.text, message.messageType]).toEqual(['line1\nline2]0;pwned', 'type']);
    const [notice] = session.notice(c.userId, { noticeType: 'USER_CUSTOM', text: `n\u0000`, userData: { nested: { k: `\u0001v` } } }).events;
    expect([notice.kind === 'notice' && notice.text, notice.userData]).toEqual(['n', { nested: { k: 'v' } }]);
  });

  it('a nickname change is cleaned too, and one made only of controls is refused', () => {
    const { session, customer: c } = startChat();
    const [notice] = session.notice(c.userId, { noticeType: 'USER_UPDATE_NICK', text: `Bo\u0000b\n` }).events;
    expect(session.participant(c.userId)?.nickname).toBe('Bob');
    expect(notice.kind === 'notice' && notice.text).toBe('Bob');
    expect(errorCode(() => session.notice(c.userId, { noticeType: 'USER_UPDATE_NICK', text: '\u0000\u0001' }))).toBe('INVALID_ARGUMENT');
  });

  it("a workflow's nickname is cleaned, and the same party serves it again", () => {
    const { session } = startChat();
    session.externalMessage(`Work\u0000flow`, { text: 'one' });
    session.externalMessage(`Work\u0000flow`, { text: 'two' });
    const externals = session.state.participants.filter((p) => p.userType === 'EXTERNAL');
    expect(externals.map((p) => p.nickname)).toEqual(['Workflow']);
  });
});

describe('nickname-max-length, for every party and every way a nickname is set', () => {
  const rules = { nicknameMaxLength: 5 };
  const long = 'x'.repeat(2000);

  it('customer creating, agent and supervisor joining, workflow posting, renaming', () => {
    expect(errorCode(() => startChat({ rules, creator: customer({ nickname: long }) }))).toBe('TEXT_TOO_LONG');
    const { session, customer: c } = startChat({ rules, creator: customer({ nickname: 'Cu' }) });
    expect(errorCode(() => session.join(agent(long)))).toBe('TEXT_TOO_LONG');
    expect(errorCode(() => session.join(agent('Sixsix', { userType: 'SUPERVISOR' })))).toBe('TEXT_TOO_LONG');
    expect(errorCode(() => session.externalMessage(long, { text: 'x' }))).toBe('TEXT_TOO_LONG');
    expect(errorCode(() => session.notice(c.userId, { noticeType: 'USER_UPDATE_NICK', text: long }))).toBe('TEXT_TOO_LONG');
    expect(session.state.participants).toHaveLength(1);
  });

  it('counts characters, not UTF-16 units: five emoji fit five characters', () => {
    const { session } = startChat({ rules, creator: customer({ nickname: 'Cu' }) });
    expect(errorCode(() => session.join(agent('😀😀😀😀😀')))).toBe('NO ERROR');
    expect(errorCode(() => session.join(agent('😀😀😀😀😀😀')))).toBe('TEXT_TOO_LONG');
  });
});

describe('message-type-max-length', () => {
  it('a longer message type is refused with the limit named', () => {
    const { session, customer: c } = startChat({ rules: withInput({ messageTypeMaxLength: 8 }) });
    expect(errorCode(() => session.message(c.userId, { text: 'x', messageType: 'abcdefgh' }))).toBe('NO ERROR');
    expect(() => session.message(c.userId, { text: 'x', messageType: 'x'.repeat(100_000) })).toThrow(/message-type-max-length \(8\)/);
    expect(() => session.externalMessage('Workflow', { text: 'x', messageType: 'abcdefghi' })).toThrow(/message-type-max-length/);
  });
});

describe('user data and event attribute limits', () => {
  const rules = withInput({ kvMaxKeys: 4, kvMaxValueSize: 10, kvMaxSize: 30 });
  const keys = (n: number): KvList => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));

  it('refuses too many keys (nested ones counted), a value too large, a list too large, nesting too deep', () => {
    const { session, customer: c } = startChat({ rules });
    const send = (userData: KvList) => errorCode(() => session.message(c.userId, { text: 'x', userData }));
    expect(send(keys(4))).toBe('NO ERROR');
    expect(send(keys(5))).toBe('DATA_TOO_LARGE');
    expect(send({ a: 'v', b: { c: 'v', d: { e: 'v' } } })).toBe('DATA_TOO_LARGE');
    expect(send({ a: 'x'.repeat(11) })).toBe('DATA_TOO_LARGE');
    expect(send({ a: 'x'.repeat(10), b: 'x'.repeat(10), c: 'x'.repeat(10) })).toBe('DATA_TOO_LARGE');
    let deep: KvList = { v: 'x' };
    for (let i = 0; i < 20; i++) deep = { n: deep };
    const wide = startChat({ rules: withInput({ kvMaxKeys: 100 }) });
    expect(errorCode(() => wide.session.message(wide.customer.userId, { text: 'x', userData: deep }))).toBe('DATA_TOO_LARGE');
    expect(() => session.message(c.userId, { text: 'x', eventAttributes: keys(5) })).toThrow(/event attributes has more than user-data-max-keys \(4\)/);
    expect(() => session.message(c.userId, { text: 'x', userData: { a: 'x'.repeat(11) } })).toThrow(/user-data-max-value-size \(10\)/);
    expect(session.state.transcript.filter((e) => e.kind === 'message')).toHaveLength(1);
  });

  it('applies at creation, join, update of the session user data, notice and leave', () => {
    const big = keys(5);
    expect(errorCode(() => startChat({ rules, userData: big }))).toBe('DATA_TOO_LARGE');
    expect(errorCode(() => startChat({ rules, creator: customer({ userData: { Subject: 'x'.repeat(11) } }) }))).toBe('DATA_TOO_LARGE');
    const { session, customer: c } = startChat({ rules, userData: keys(2) });
    expect(errorCode(() => session.join(agent('A', { userData: big })))).toBe('DATA_TOO_LARGE');
    expect(errorCode(() => session.join(agent('A', { eventAttributes: big })))).toBe('DATA_TOO_LARGE');
    expect(errorCode(() => session.notice(c.userId, { noticeType: 'USER_CUSTOM', userData: big }))).toBe('DATA_TOO_LARGE');
    expect(errorCode(() => session.leave(c.userId, 'KEEP_ALIVE', { eventAttributes: big }))).toBe('DATA_TOO_LARGE');
    // updates merge into the session user data, which stays within the limits as a whole
    session.updateUserData(c.userId, { k2: 'v', k3: 'v' });
    expect(errorCode(() => session.updateUserData(c.userId, { k4: 'v' }))).toBe('DATA_TOO_LARGE');
    expect(Object.keys(session.state.userData)).toEqual(['k0', 'k1', 'k2', 'k3']);
  });

  it('refuses the key __proto__', () => {
    const { session, customer: c } = startChat();
    const userData = JSON.parse('{"__proto__": {"polluted": "yes"}}') as KvList;
    expect(errorCode(() => session.message(c.userId, { text: 'x', userData }))).toBe('INVALID_ARGUMENT');
  });
});

describe('GCTI_SYSTEM is written by the server only', () => {
  const fake: KvList = { GCTI_SYSTEM: { 'party-info': { style: 'BOT' }, 'quit-reason-code': '5' }, mine: 'kept' };

  it("a customer's GCTI_SYSTEM is dropped from messages, notices and leaving; its other attributes are kept", () => {
    const { session, customer: c } = startChat();
    join(session, agent());
    const [message] = session.message(c.userId, { text: 'I am a bot', eventAttributes: fake }).events;
    const [notice] = session.notice(c.userId, { noticeType: 'USER_CUSTOM', text: 'x', eventAttributes: fake }).events;
    expect([message.eventAttributes, notice.eventAttributes]).toEqual([{ mine: 'kept' }, { mine: 'kept' }]);
    expect(partyStyle(message)).toBeUndefined();
    const [left] = session.leave(c.userId, 'KEEP_ALIVE', { eventAttributes: fake }).events;
    expect(left.eventAttributes).toEqual({ mine: 'kept', GCTI_SYSTEM: { 'quit-reason-code': '0' } });
    expect(quitReason(left)).toBe('0');
  });

  it("an agent's, a workflow's and a joining party's too; a bot keeps the server's style", () => {
    const { session } = startChat();
    const a = join(session, agent('A', { eventAttributes: fake }));
    expect(session.state.transcript[a.joinPosition].eventAttributes).toEqual({ mine: 'kept' });
    expect(session.message(a.userId, { text: 'x', eventAttributes: fake }).events[0].eventAttributes).toEqual({ mine: 'kept' });
    expect(session.externalMessage('Workflow', { text: 'x', eventAttributes: fake }).events.at(-1)?.eventAttributes).toEqual({ mine: 'kept' });
    const b = join(session, bot());
    const [said] = session.message(b.userId, { text: 'x', eventAttributes: { GCTI_SYSTEM: { 'quit-reason-code': '7' } } }).events;
    expect(said.eventAttributes).toEqual({ GCTI_SYSTEM: { 'party-info': { style: 'BOT' } } });
  });

  it('a key spelled with control characters does not slip through', () => {
    const { session, customer: c } = startChat();
    const [message] = session.message(c.userId, { text: 'x', eventAttributes: { 'GCTI_\u0000SYSTEM': { 'party-info': { style: 'BOT' } } } }).events;
    expect(message.eventAttributes).toEqual({});
  });

  it('a restored session keeps what the server wrote', () => {
    const { ctx, session } = startChat();
    join(session, bot());
    const restored = ChatSession.fromState(ctx, JSON.parse(JSON.stringify(session.state)));
    expect(partyStyle(restored.state.transcript[1])).toBe('BOT');
  });
});
