import { SequentialIds } from '../test/clock';
import { ChatSession } from './chat-session';
import { agent, customer, errorCode, join, makeContext, supervisor } from '../test/helpers';
import type { JoinRequest } from './requests';
import type { KvList } from '../types';

/** SequentialIds that remembers every secret it handed out. */
class RecordingIds extends SequentialIds {
  readonly secrets: string[] = [];
  override secret(): string {
    const s = super.secret();
    this.secrets.push(s);
    return s;
  }
}

function create(creator: JoinRequest, enforce: boolean) {
  const ids = new RecordingIds();
  const ctx = { ...makeContext({ sessionPasswordEnforce: enforce }), ids };
  const { session, creator: party } = ChatSession.create(ctx, { id: 'S', creator });
  return { session, creator: party, ids };
}

function withPassword(request: JoinRequest, password: string | KvList): JoinRequest {
  return { ...request, userData: { ...request.userData, GCTI_Chat_SessionPassword: password } };
}

function everyUserData(session: ChatSession): string {
  return JSON.stringify([session.state.transcript.map((e) => e.userData), session.state.userData]);
}

describe('session password (session-password-enforce)', () => {
  it('is generated at creation with ids.secret()', () => {
    const { session, ids } = create(customer({ userData: { FirstName: 'Ann' } }), true);
    expect(typeof session.password).toBe('string');
    expect(session.password).toBe(ids.secrets[0]);
    expect(session.state.password).toBe(session.password);
    expect(session.password).not.toBe(session.state.participants[0].secureKey);
  });

  it('joins without it or with a wrong one throw SESSION_PASSWORD_REQUIRED and change nothing', () => {
    const { session } = create(customer(), true);
    const password = session.password ?? '';
    expect(errorCode(() => session.join(agent()))).toBe('SESSION_PASSWORD_REQUIRED');
    expect(errorCode(() => session.join(agent('A', { userData: { Other: 'x' } })))).toBe('SESSION_PASSWORD_REQUIRED');
    expect(errorCode(() => session.join(withPassword(agent(), '')))).toBe('SESSION_PASSWORD_REQUIRED');
    expect(errorCode(() => session.join(withPassword(agent(), password + 'x')))).toBe('SESSION_PASSWORD_REQUIRED');
    expect(errorCode(() => session.join(withPassword(agent(), password.slice(0, -1) + (password.endsWith('0') ? '1' : '0'))))).toBe(
      'SESSION_PASSWORD_REQUIRED',
    );
    expect(errorCode(() => session.join(withPassword(agent(), password.toUpperCase())))).toBe('SESSION_PASSWORD_REQUIRED');
    expect(errorCode(() => session.join(withPassword(agent(), { nested: password })))).toBe('SESSION_PASSWORD_REQUIRED');
    expect(session.state.participants).toHaveLength(1);
    expect(session.state.transcript).toHaveLength(1);
  });

  it('the right password lets any party join, and it never appears in an event userData nor in the session userData', () => {
    const { session, creator } = create(customer({ userData: { FirstName: 'Ann' } }), true);
    const password = session.password ?? '';
    const a = join(session, withPassword(agent('A', { userData: { Skill: 'billing' } }), password));
    const s = join(session, withPassword(supervisor('S', 'VIP'), password));
    expect(a.present && s.present).toBe(true);
    expect(session.state.transcript[a.joinPosition].userData).toEqual({ Skill: 'billing' });
    expect(session.state.transcript[s.joinPosition].userData).toEqual({});
    session.updateUserData(a.userId, { GCTI_Chat_SessionPassword: password, Disposition: 'ok' });
    expect(session.state.userData).toEqual({ FirstName: 'Ann', Disposition: 'ok' });
    session.leave(creator.userId, 'FORCE_CLOSE');
    expect(everyUserData(session)).not.toContain(password);
    expect(everyUserData(session)).not.toContain('GCTI_Chat_SessionPassword');
  });

  it('a BASIC creator may set its own password via GCTI_Chat_SessionPassword; it is not shown either', () => {
    const { session, ids } = create(agent('Outbound', { userData: { GCTI_Chat_SessionPassword: 'my-own-pw', Campaign: 'x' } }), true);
    expect(session.password).toBe('my-own-pw');
    expect(ids.secrets).not.toContain('my-own-pw');
    expect(session.state.transcript[0].userData).toEqual({ Campaign: 'x' });
    expect(session.state.userData).toEqual({ Campaign: 'x' });
    expect(errorCode(() => session.join(customer()))).toBe('SESSION_PASSWORD_REQUIRED');
    expect(errorCode(() => session.join(withPassword(customer(), 'my-own-pw')))).toBe('NO ERROR');
    expect(everyUserData(session)).not.toContain('my-own-pw');
  });

  it('a FLEX creator cannot choose the password: a generated one is used', () => {
    const { session, ids } = create(customer({ userData: { GCTI_Chat_SessionPassword: 'chosen' } }), true);
    expect(session.password).toBe(ids.secrets[0]);
    expect(session.password).not.toBe('chosen');
    expect(errorCode(() => session.join(withPassword(agent(), 'chosen')))).toBe('SESSION_PASSWORD_REQUIRED');
    expect(session.state.transcript[0].userData).toEqual({});
  });

  it('an empty own password of a BASIC creator does not count: a generated one is used', () => {
    const { session, ids } = create(agent('Outbound', { userData: { GCTI_Chat_SessionPassword: '' } }), true);
    expect(session.password).toBe(ids.secrets[0]);
  });

  it('without enforcement a customer-created session has no password and anyone may join', () => {
    const { session } = create(customer(), false);
    expect(session.password).toBeUndefined();
    expect(session.state.password).toBeUndefined();
    expect(errorCode(() => session.join(agent()))).toBe('NO ERROR');
    // a password given anyway is ignored, and still not shown
    const b = join(session, withPassword(agent('B'), 'whatever'));
    expect(session.state.transcript[b.joinPosition].userData).toEqual({});
  });

  it('without enforcement a BASIC creator without its own password gets no password', () => {
    const { session } = create(agent('Outbound'), false);
    expect(session.password).toBeUndefined();
    expect(errorCode(() => session.join(customer()))).toBe('NO ERROR');
  });
});
