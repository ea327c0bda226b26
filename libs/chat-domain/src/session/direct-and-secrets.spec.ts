import { SESSION_PASSWORD_KEY } from './password';
import { agent, errorCode, join, startChat, supervisor } from '../test/helpers';

describe('direct messages and the receiver visibility', () => {
  it('refuses a direct message at a level the receiver may not read, and changes nothing', () => {
    const { session, customer } = startChat();
    const a = join(session, agent('A'));
    const before = session.nextPosition;
    expect(errorCode(() => session.message(a.userId, { text: 'psst', visibility: 'INT', receiverId: customer.userId }))).toBe('INVALID_VISIBILITY');
    expect(session.nextPosition).toBe(before);
    session.message(a.userId, { text: 'only you', visibility: 'ALL', receiverId: customer.userId });
    expect(session.eventsFor(customer.userId, before).map((e) => e.kind === 'message' && e.text)).toEqual(['only you']);
  });

  it('lets a monitoring supervisor whisper to the agent only', () => {
    const { session, customer } = startChat();
    const a = join(session, agent('A'));
    const s = join(session, supervisor('S', 'VIP'));
    const from = session.nextPosition;
    session.message(s.userId, { text: 'whisper', visibility: 'INT', receiverId: a.userId });
    expect(session.eventsFor(a.userId, from)).toHaveLength(1);
    expect(session.eventsFor(customer.userId, from)).toHaveLength(0);
  });
});

describe('the session password stays out of every event', () => {
  it('is removed from the user data of messages, notices and leave requests', () => {
    const { session } = startChat({ rules: { sessionPasswordEnforce: true } });
    const password = session.password ?? '';
    const a = join(session, agent('A', { userData: { [SESSION_PASSWORD_KEY]: password } }));
    session.message(a.userId, { text: 'hi', userData: { [SESSION_PASSWORD_KEY]: password, keep: 'yes' } });
    session.notice(a.userId, { noticeType: 'USER_CUSTOM', text: 'n', userData: { [SESSION_PASSWORD_KEY]: password } });
    session.leave(a.userId, 'KEEP_ALIVE', { userData: { [SESSION_PASSWORD_KEY]: password } });
    expect(JSON.stringify(session.state.transcript)).not.toContain(password);
    expect(session.state.transcript.find((e) => e.kind === 'message')?.userData).toEqual({ keep: 'yes' });
  });
});
