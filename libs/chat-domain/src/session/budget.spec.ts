import { DEFAULT_RULES, type InputRules } from '../rules';
import { agent, customer, errorCode, join, startChat } from '../test/helpers';
import { transcriptBytes } from './budget';
import { ChatSession } from './chat-session';

const withInput = (input: Partial<InputRules>) => ({ input: { ...DEFAULT_RULES.input, ...input } });

describe('transcript-max-size', () => {
  it('defaults to 4 MiB', () => {
    expect(DEFAULT_RULES.input.transcriptMaxSize).toBe(4 * 1024 * 1024);
  });

  it('counts text, message type, user data and event attributes of every event, in UTF-8 bytes', () => {
    const { session, customer: c } = startChat({ creator: customer({ userData: { ab: 'cd' } }) });
    expect(session.state.transcriptBytes).toBe(4); // the creator's join event carries the session user data
    session.message(c.userId, { text: 'héllo', messageType: 'tx', eventAttributes: { k: { n: 'v' } } });
    expect(session.state.transcriptBytes).toBe(4 + 6 + 2 + 3);
    expect(session.state.transcriptBytes).toBe(transcriptBytes(session.state.transcript));
  });

  it('refuses a message or notice beyond it, naming the limit; joins, leaves and closing still go in', () => {
    const { session, customer: c } = startChat({ rules: withInput({ transcriptMaxSize: 100 }) });
    expect(errorCode(() => session.message(c.userId, { text: 'x'.repeat(100) }))).toBe('NO ERROR');
    expect(() => session.message(c.userId, { text: 'y' })).toThrow(/transcript-max-size \(100\)/);
    expect(errorCode(() => session.notice(c.userId, { noticeType: 'USER_CUSTOM', text: 'z' }))).toBe('TRANSCRIPT_FULL');
    expect(session.state.transcript).toHaveLength(2);
    const a = join(session, agent('A', { text: 'hi' }));
    expect(session.state.transcriptBytes).toBe(102);
    expect(session.leave(a.userId, 'KEEP_ALIVE').events).toHaveLength(1);
    expect(session.leave(c.userId, 'FORCE_CLOSE').closed).toBe(true);
  });

  it('a refused message leaves the count as it was; so does a workflow message refused after its party joined', () => {
    const { session } = startChat({ rules: { ...withInput({ transcriptMaxSize: 10 }), messageMaxSize: 50 } });
    expect(errorCode(() => session.externalMessage('Workflow', { text: 'x'.repeat(11) }))).toBe('TRANSCRIPT_FULL');
    expect(session.state.transcriptBytes).toBe(0);
    expect(session.state.participants).toHaveLength(1);
  });

  it('is counted again from the transcript when a session is loaded', () => {
    const { ctx, session, customer: c } = startChat({ rules: withInput({ transcriptMaxSize: 50 }) });
    session.message(c.userId, { text: 'x'.repeat(45) });
    const stored = JSON.parse(JSON.stringify(session.state));
    delete stored.transcriptBytes;
    const restored = ChatSession.fromState(ctx, stored);
    restored.restore();
    expect(restored.state.transcriptBytes).toBe(45);
    expect(errorCode(() => restored.message(c.userId, { text: 'x'.repeat(6) }))).toBe('TRANSCRIPT_FULL');
  });
});

describe('message-rate-limit per message-rate-interval', () => {
  const rules = withInput({ rateLimit: 5, rateIntervalMs: 10_000 });

  it('defaults to 60 per 10 s', () => {
    expect(DEFAULT_RULES.input).toMatchObject({ rateLimit: 60, rateIntervalMs: 10_000 });
  });

  it('allows a burst of the limit, then refuses with RATE_LIMITED naming the limit, then refills evenly', () => {
    const { ctx, session, customer: c } = startChat({ rules });
    for (let i = 0; i < 5; i++) session.message(c.userId, { text: `m${i}` });
    expect(() => session.message(c.userId, { text: 'too fast' })).toThrow(/message-rate-limit \(5\).*message-rate-interval \(10 s\); try again in 2000 ms/);
    expect(errorCode(() => session.notice(c.userId, { noticeType: 'USER_CUSTOM', text: 'x' }))).toBe('RATE_LIMITED');
    ctx.clock.advance(1999);
    expect(errorCode(() => session.message(c.userId, { text: 'still too fast' }))).toBe('RATE_LIMITED');
    ctx.clock.advance(1);
    expect(errorCode(() => session.message(c.userId, { text: 'one more' }))).toBe('NO ERROR');
    expect(errorCode(() => session.message(c.userId, { text: 'and no more' }))).toBe('RATE_LIMITED');
    ctx.clock.advance(10_000);
    for (let i = 0; i < 5; i++) session.message(c.userId, { text: `again ${i}` });
    expect(session.state.transcript.filter((e) => e.kind === 'message')).toHaveLength(11);
  });

  it('is per party: one sender at its limit does not hold back another', () => {
    const { session, customer: c } = startChat({ rules });
    const a = join(session, agent());
    for (let i = 0; i < 5; i++) session.message(c.userId, { text: `m${i}` });
    expect(errorCode(() => session.message(c.userId, { text: 'x' }))).toBe('RATE_LIMITED');
    for (let i = 0; i < 5; i++) expect(errorCode(() => session.message(a.userId, { text: `canned ${i}` }))).toBe('NO ERROR');
  });

  it('typing notices and read confirmations have a bucket of their own: they never cost a message its place', () => {
    const { session, customer: c } = startChat({ rules });
    for (let i = 0; i < 5; i++) session.notice(c.userId, { noticeType: i % 2 ? 'TYPING_STOPPED' : 'TYPING_STARTED' });
    expect(errorCode(() => session.notice(c.userId, { noticeType: 'TYPING_STARTED' }))).toBe('RATE_LIMITED');
    expect(errorCode(() => session.notice(c.userId, { noticeType: 'SYS_COMMAND', text: 'read-confirm', userData: { 'last-event-id': '1' } }))).toBe(
      'RATE_LIMITED',
    );
    expect(errorCode(() => session.message(c.userId, { text: 'my message still goes' }))).toBe('NO ERROR');
  });

  it('a refused request costs nothing; a workflow is limited per nickname; 0 disables the limit', () => {
    const { session, customer: c } = startChat({ rules: { ...rules, messageMaxSize: 5 } });
    for (let i = 0; i < 10; i++) expect(errorCode(() => session.message(c.userId, { text: 'too long' }))).toBe('TEXT_TOO_LONG');
    for (let i = 0; i < 5; i++) session.message(c.userId, { text: 'ok' });
    for (let i = 0; i < 5; i++) session.externalMessage('Workflow', { text: 'ok' });
    expect(errorCode(() => session.externalMessage('Workflow', { text: 'ok' }))).toBe('RATE_LIMITED');
    const free = startChat({ rules: withInput({ rateLimit: 0 }) });
    for (let i = 0; i < 1000; i++) free.session.message(free.customer.userId, { text: 'x' });
    expect(free.session.state.transcript).toHaveLength(1001);
  });

  it("the party's bucket is part of its state: a session loaded from storage keeps it", () => {
    const { ctx, session, customer: c } = startChat({ rules });
    for (let i = 0; i < 5; i++) session.message(c.userId, { text: `m${i}` });
    const restored = ChatSession.fromState(ctx, JSON.parse(JSON.stringify(session.state)));
    expect(errorCode(() => restored.message(c.userId, { text: 'x' }))).toBe('RATE_LIMITED');
  });
});
