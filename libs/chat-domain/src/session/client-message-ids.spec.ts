import { DEFAULT_RULES } from '../rules';
import { agent, errorCode, join, startChat } from '../test/helpers';
import type { MessageEvent } from '../types';
import { ChatSession } from './chat-session';
import { REMEMBERED_MESSAGE_IDS, checkClientMessageId } from './client-message-ids';

const messages = (session: ChatSession) => session.state.transcript.filter((e): e is MessageEvent => e.kind === 'message');

describe('client message ids', () => {
  it('a repeat of a message answers the one stored the first time, appends nothing, and asks for a save', () => {
    const { ctx, session, customer: c } = startChat();
    const [first] = session.message(c.userId, { text: 'my bill', clientMessageId: 'm-1' }).events;
    ctx.clock.advance(5_000);
    const repeat = session.message(c.userId, { text: 'my bill', clientMessageId: 'm-1' });
    expect(repeat).toEqual({ events: [], closed: false, configured: true, repeated: first });
    expect(repeat.repeated).toMatchObject({ position: 1, at: first.at, text: 'my bill' });
    expect(messages(session)).toHaveLength(1);
    expect(session.nextPosition).toBe(2);
  });

  it('the id decides, not the text: a repeat with other text still answers the first message', () => {
    const { session, customer: c } = startChat();
    session.message(c.userId, { text: 'first try', clientMessageId: 'same' });
    expect(session.message(c.userId, { text: 'edited', clientMessageId: 'same' }).repeated).toMatchObject({ text: 'first try' });
    expect(messages(session).map((m) => m.text)).toEqual(['first try']);
  });

  it('ids are the party’s own: another party naming its message alike is stored', () => {
    const { session, customer: c } = startChat();
    const a = join(session, agent());
    session.message(c.userId, { text: 'from the customer', clientMessageId: '1' });
    const change = session.message(a.userId, { text: 'from the agent', clientMessageId: '1' });
    expect(change.repeated).toBeUndefined();
    expect(change.events).toHaveLength(1);
    expect(messages(session).map((m) => m.text)).toEqual(['from the customer', 'from the agent']);
  });

  it('a person back as a new party (same personId) resending what its party that left sent gets the stored message', () => {
    const { session, customer: c } = startChat();
    const before = join(session, agent('Ann', { personId: 'emp-7' }));
    const [first] = session.message(before.userId, { text: 'one moment', clientMessageId: 'a-3' }).events;
    session.leave(before.userId, 'KEEP_ALIVE');
    const again = join(session, agent('Ann', { personId: 'emp-7' }));
    expect(session.message(again.userId, { text: 'one moment', clientMessageId: 'a-3' }).repeated).toEqual(first);
    // Another person, or the same nickname without a personId, is not the same sender.
    const other = join(session, agent('Bob', { personId: 'emp-8' }));
    expect(session.message(other.userId, { text: 'mine', clientMessageId: 'a-3' }).repeated).toBeUndefined();
    const anonymous = join(session, agent('Ann'));
    expect(session.message(anonymous.userId, { text: 'also mine', clientMessageId: 'a-3' }).repeated).toBeUndefined();
    expect(session.message(c.userId, { text: 'customer', clientMessageId: 'a-3' }).repeated).toBeUndefined();
    expect(messages(session).map((m) => m.text)).toEqual(['one moment', 'mine', 'also mine', 'customer']);
  });

  it('a message without an id is stored every time and keeps no list on its party', () => {
    const { session, customer: c } = startChat();
    const change = session.message(c.userId, { text: 'hello' });
    session.message(c.userId, { text: 'hello' });
    expect(Object.keys(change).sort()).toEqual(['closed', 'events']);
    expect(messages(session)).toHaveLength(2);
    expect(session.participant(c.userId)?.sentMessageIds).toBeUndefined();
  });

  it(`remembers a party's last ${REMEMBERED_MESSAGE_IDS} ids: an older one is stored again`, () => {
    const { session, customer: c } = startChat();
    for (let i = 0; i <= REMEMBERED_MESSAGE_IDS; i++) session.message(c.userId, { text: `m${i}`, clientMessageId: `id-${i}` });
    expect(session.participant(c.userId)?.sentMessageIds).toHaveLength(REMEMBERED_MESSAGE_IDS);
    expect(session.message(c.userId, { text: 'm1', clientMessageId: 'id-1' }).repeated).toMatchObject({ text: 'm1', position: 2 });
    expect(session.message(c.userId, { text: 'm0', clientMessageId: 'id-0' }).events).toHaveLength(1);
    expect(messages(session)).toHaveLength(REMEMBERED_MESSAGE_IDS + 2);
  });

  it('refuses a bad id naming the field, storing nothing', () => {
    const { session, customer: c } = startChat();
    for (const bad of ['', 'x'.repeat(65), 'line\nbreak', 'café', 42]) {
      expect(() => session.message(c.userId, { text: 'x', clientMessageId: bad as string })).toThrow(
        /clientMessageId must be 1 to 64 printable ASCII characters/,
      );
    }
    expect(messages(session)).toHaveLength(0);
    expect(checkClientMessageId('x'.repeat(64))).toHaveLength(64);
    expect(checkClientMessageId('a b~{}')).toBe('a b~{}');
    expect(() => checkClientMessageId('\t', 'Idempotency-Key')).toThrow(/^Idempotency-Key must be/);
  });

  it('a refused message leaves its id unknown: sent again once allowed, it is stored', () => {
    const { ctx, session, customer: c } = startChat({ rules: { input: { ...DEFAULT_RULES.input, rateLimit: 1, rateIntervalMs: 10_000 } } });
    session.message(c.userId, { text: 'one' });
    expect(errorCode(() => session.message(c.userId, { text: 'two', clientMessageId: 'two' }))).toBe('RATE_LIMITED');
    ctx.clock.advance(10_000);
    expect(session.message(c.userId, { text: 'two', clientMessageId: 'two' }).events).toHaveLength(1);
    expect(session.message(c.userId, { text: 'two', clientMessageId: 'two' }).repeated).toMatchObject({ text: 'two' });
    expect(messages(session).map((m) => m.text)).toEqual(['one', 'two']);
  });

  it('a repeat is not counted against message-rate-limit', () => {
    const { session, customer: c } = startChat({ rules: { input: { ...DEFAULT_RULES.input, rateLimit: 1, rateIntervalMs: 10_000 } } });
    session.message(c.userId, { text: 'once', clientMessageId: 'once' });
    expect(errorCode(() => session.message(c.userId, { text: 'once', clientMessageId: 'once' }))).toBe('NO ERROR');
    expect(errorCode(() => session.message(c.userId, { text: 'new' }))).toBe('RATE_LIMITED');
  });

  it('a repeat after the session closed still answers the stored message', () => {
    const { session, customer: c } = startChat();
    session.message(c.userId, { text: 'bye', clientMessageId: 'bye' });
    session.closeBySystem();
    expect(session.message(c.userId, { text: 'bye', clientMessageId: 'bye' }).repeated).toMatchObject({ text: 'bye' });
    expect(errorCode(() => session.message(c.userId, { text: 'new', clientMessageId: 'new' }))).toBe('SESSION_CLOSED');
  });

  it('a session restored from its stored state knows the ids', () => {
    const { ctx, session, customer: c } = startChat();
    session.message(c.userId, { text: 'before the failover', clientMessageId: 'k' });
    const restored = ChatSession.fromState(ctx, JSON.parse(JSON.stringify(session.state)));
    restored.restore();
    expect(restored.message(c.userId, { text: 'before the failover', clientMessageId: 'k' }).repeated).toMatchObject({ position: 1 });
    expect(messages(restored)).toHaveLength(1);
  });
});
