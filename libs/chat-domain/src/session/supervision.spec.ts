import { ChatSession } from './chat-session';
import { liveSession, supervisable } from './supervision';
import { T0, agent, bot, customer, join, makeContext, supervisor } from '../test/helpers';

const SALES = { name: 'sales', tenantDbid: 1, endpoint: 'sales' };

function chat(service?: typeof SALES) {
  const ctx = makeContext({ sessionPasswordEnforce: false });
  const { session, creator } = ChatSession.create(ctx, { id: 'S1', creator: customer({ nickname: 'Carol' }), ...(service ? { service } : {}) });
  return { ctx, session, carol: creator };
}

describe("a supervisor's list of live sessions", () => {
  it('shows a waiting session with its customer, its growing wait and its start as last activity', () => {
    const { ctx, session } = chat(SALES);
    ctx.clock.advance(45_000);
    expect(liveSession(session.state, ctx.clock.now())).toEqual({
      sessionId: 'S1',
      tenantDbid: 1,
      endpoint: 'sales',
      createdAt: T0,
      parties: [{ nickname: 'Carol', userType: 'CLIENT', visibility: 'ALL', joinedAt: T0 }],
      waiting: true,
      waitMs: 45_000,
      lastActivityAt: T0,
      monitored: false,
    });
  });

  it('freezes the wait at the first human agent (a bot does not end it) and takes the last message as last activity, typing aside', () => {
    const { ctx, session, carol } = chat();
    ctx.clock.advance(5_000);
    join(session, bot('Helper'));
    ctx.clock.advance(10_000);
    const bob = join(session, agent('Bob'));
    ctx.clock.advance(20_000);
    session.message(carol.userId, { text: 'hello' });
    const said = ctx.clock.now();
    ctx.clock.advance(30_000);
    session.notice(bob.userId, { noticeType: 'TYPING_STARTED' });
    const live = liveSession(session.state, ctx.clock.now() + 60_000);
    expect(live).toMatchObject({ waiting: false, waitMs: 15_000, lastActivityAt: said, tenantDbid: 1, endpoint: 'default' });
    expect(live.parties.map((p) => [p.nickname, p.userType, p.isBot ?? false])).toEqual([
      ['Carol', 'CLIENT', false],
      ['Helper', 'AGENT', true],
      ['Bob', 'AGENT', false],
    ]);
  });

  it('lists present parties only, and says when a supervisor monitors', () => {
    const { ctx, session } = chat();
    const bob = join(session, agent('Bob'));
    join(session, supervisor('Sue', 'VIP'));
    session.leave(bob.userId, 'KEEP_ALIVE');
    const live = liveSession(session.state, ctx.clock.now());
    expect(live.parties.map((p) => p.nickname)).toEqual(['Carol', 'Sue']);
    expect(live.monitored).toBe(true);
    expect(live.waiting).toBe(false);
  });

  it("lists the sessions of the scope's tenants and entry points that are alive, as a supervisor may monitor them", () => {
    const { session } = chat(SALES);
    expect(supervisable(session.state, {})).toBe(true);
    expect(supervisable(session.state, { tenants: [1], entryPoints: ['1:sales'] })).toBe(true);
    expect(supervisable(session.state, { entryPoints: ['1:default'] })).toBe(false);
    expect(supervisable(session.state, { tenants: [2] })).toBe(false);
    const outbound = chat().session;
    expect(supervisable(outbound.state, { entryPoints: ['1:default'] })).toBe(true);
    outbound.leave(outbound.state.participants[0].userId, 'FORCE_CLOSE');
    expect(supervisable(outbound.state, {})).toBe(false);
  });
});
