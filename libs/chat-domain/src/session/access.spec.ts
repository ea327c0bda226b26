import { ChatSession } from './chat-session';
import { agent, customer, errorCode, makeContext, supervisor } from '../test/helpers';
import type { JoinRequest } from './requests';

const SALES = { name: 'sales', tenantDbid: 1, endpoint: 'sales' };
const OTHER_TENANT = { name: 'acme', tenantDbid: 2, endpoint: 'default' };

function session(service?: typeof SALES, enforce = true): { session: ChatSession; password: string } {
  const ctx = makeContext({ sessionPasswordEnforce: enforce });
  const { session } = ChatSession.create(ctx, { id: 'S', creator: customer(), ...(service ? { service } : {}) });
  return { session, password: session.password ?? '' };
}

const withPassword = (request: JoinRequest, password: string): JoinRequest => ({ ...request, userData: { GCTI_Chat_SessionPassword: password } });

describe('join scope (tokens of the agent API)', () => {
  it('an agent needs the password whatever its scope', () => {
    const { session: s, password } = session(SALES);
    expect(errorCode(() => s.join(agent('Ann'), {}))).toBe('SESSION_PASSWORD_REQUIRED');
    expect(errorCode(() => s.join(agent('Ann'), { tenants: [1], entryPoints: ['1:sales'] }))).toBe('SESSION_PASSWORD_REQUIRED');
    expect(s.join(withPassword(agent('Ann'), password), { tenants: [1] }).participant.nickname).toBe('Ann');
  });

  it('a supervisor monitors or coaches a session of its queues without the password, but not in conference', () => {
    const { session: s } = session(SALES);
    expect(s.join(supervisor('Sue', 'VIP'), { entryPoints: ['1:sales'] }).participant.visibility).toBe('VIP');
    expect(s.join(supervisor('Sam', 'INT'), {}).participant.visibility).toBe('INT');
    expect(errorCode(() => s.join(supervisor('Sid', 'ALL'), {}))).toBe('SESSION_PASSWORD_REQUIRED');
  });

  it('outside its queues or tenants a supervisor needs the password, and a tenant outside the token is refused even with it', () => {
    const { session: s, password } = session(SALES);
    expect(errorCode(() => s.join(supervisor('Sue', 'VIP'), { entryPoints: ['1:default'] }))).toBe('SESSION_PASSWORD_REQUIRED');
    expect(s.join(withPassword(supervisor('Sue', 'VIP'), password), { entryPoints: ['1:default'] }).participant.nickname).toBe('Sue');
    const { session: other, password: otherPassword } = session(OTHER_TENANT);
    expect(errorCode(() => other.join(supervisor('Sue', 'VIP'), { tenants: [1] }))).toBe('FORBIDDEN');
    expect(errorCode(() => other.join(withPassword(agent('Ann'), otherPassword), { tenants: [1] }))).toBe('FORBIDDEN');
    expect(other.state.participants).toHaveLength(1);
  });

  it('an outbound session (no service) belongs to the default endpoint of tenant 1', () => {
    const { session: s } = session(undefined);
    expect(errorCode(() => s.join(supervisor('Sue', 'VIP'), { tenants: [2] }))).toBe('FORBIDDEN');
    expect(s.join(supervisor('Sue', 'VIP'), { tenants: [1], entryPoints: ['1:default'] }).participant.nickname).toBe('Sue');
  });

  it('without a scope the password alone decides, as for every caller that vouches for nothing', () => {
    const { session: s } = session(SALES);
    expect(errorCode(() => s.join(supervisor('Sue', 'VIP')))).toBe('SESSION_PASSWORD_REQUIRED');
    const { session: open } = session(OTHER_TENANT, false);
    expect(open.join(agent('Ann')).participant.nickname).toBe('Ann');
    expect(errorCode(() => open.join(agent('Bob'), { tenants: [1] }))).toBe('FORBIDDEN');
  });
});
