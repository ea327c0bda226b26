import { codeOf, ofType, offersOf, readyAgent, routerWith } from './test/harness';

function setup() {
  const ctx = routerWith([{ name: 'q', offerTimeoutMs: 20_000, redirectSkipMs: 60_000 }, { name: 'other' }]);
  readyAgent(ctx.router, 'a', ['q'], 1);
  readyAgent(ctx.router, 'b', ['q'], 1);
  ctx.router.enqueue({ interactionId: 'i1', queue: 'q' });
  return ctx;
}

describe('offers', () => {
  it('accepted: the chat is routed with its wait time, and accepting again changes nothing', () => {
    const { router, clock } = setup();
    clock.advance(3000);
    expect(offersOf(router.decide())).toEqual({ i1: 'a' });
    clock.advance(2000);
    const events = router.accept('i1:1', 'a');
    expect(events).toEqual([
      { type: 'accepted', at: clock.now(), interactionId: 'i1', queue: 'q', agentId: 'a', offerId: 'i1:1', waitMs: 5000, picked: false },
    ]);
    expect(router.interaction('i1')).toMatchObject({ status: 'routed', agentId: 'a' });
    expect(router.accept('i1:1', 'a')).toEqual([]);
    expect(codeOf(() => router.accept('i1:1', 'b'))).toBe('NOT_YOUR_OFFER');
  });

  it('redirect on no answer: after the offer timeout the next agent gets it; the late accept is refused clearly', () => {
    const { router, clock } = setup();
    router.decide();
    clock.advance(20_000);
    const events = router.decide();
    expect(ofType(events, 'redirected')).toEqual([expect.objectContaining({ interactionId: 'i1', agentId: 'a', reason: 'no-answer' })]);
    expect(offersOf(events)).toEqual({ i1: 'b' });
    expect(() => router.accept('i1:1', 'a')).toThrow(/offer i1:1 is no longer open .*offered to another agent/);
    expect(codeOf(() => router.accept('i1:1', 'a'))).toBe('OFFER_EXPIRED');
  });

  it('a late accept arriving before any decision step is refused too: the timeout is run first', () => {
    const { router, clock } = setup();
    router.decide();
    clock.advance(20_001);
    expect(codeOf(() => router.accept('i1:1', 'a'))).toBe('OFFER_EXPIRED');
    // The redirect the timeout made is reported with the next answer.
    expect(ofType(router.tick(), 'redirected')).toHaveLength(1);
    expect(router.interaction('i1')?.status).toBe('waiting');
  });

  it('declined: redirected to the next agent; the decliner is skipped for this chat a while, then may get it again', () => {
    const { router, clock } = setup();
    router.decide();
    const events = router.decline('i1:1', 'a');
    expect(events.map((e) => e.type)).toEqual(['declined', 'redirected']);
    router.setNotReady('b', 'Lunch');
    clock.advance(59_000);
    expect(offersOf(router.decide())).toEqual({});
    clock.advance(1000);
    expect(offersOf(router.decide())).toEqual({ i1: 'a' });
    expect(codeOf(() => router.decline('i1:1', 'a'))).toBe('OFFER_EXPIRED');
  });

  it('declining an accepted offer is refused, and an offer of someone else is not yours to decline', () => {
    const { router } = setup();
    router.decide();
    expect(codeOf(() => router.decline('i1:1', 'b'))).toBe('NOT_YOUR_OFFER');
    router.accept('i1:1', 'a');
    expect(() => router.decline('i1:1', 'a')).toThrow(/accepted already/);
  });

  it('an agent going not ready has its open offer withdrawn and redirected at once, without a skip', () => {
    const { router } = setup();
    router.decide();
    const events = router.setNotReady('a', 'Break');
    expect(ofType(events, 'redirected')).toEqual([expect.objectContaining({ agentId: 'a', reason: 'agent-not-ready' })]);
    router.setReady('a');
    router.setNotReady('b');
    expect(offersOf(router.decide())).toEqual({ i1: 'a' });
  });

  it('abandoned while waiting or offered: it leaves, with its wait, and frees the offered slot', () => {
    const { router, clock } = setup();
    router.enqueue({ interactionId: 'i2', queue: 'q' });
    router.enqueue({ interactionId: 'i3', queue: 'q' });
    router.decide(); // i1 → a, i2 → b
    clock.advance(7000);
    expect(router.remove('i1', 'abandoned')).toEqual([
      { type: 'abandoned', at: clock.now(), interactionId: 'i1', queue: 'q', cause: 'abandoned', waitMs: 7000 },
    ]);
    expect(router.remove('i3', 'stopped')).toEqual([expect.objectContaining({ type: 'abandoned', cause: 'stopped' })]);
    expect(router.remove('i3', 'stopped')).toEqual([]);
    expect(codeOf(() => router.accept('i1:1', 'a'))).toBe('INTERACTION_GONE');
    router.enqueue({ interactionId: 'i4', queue: 'q' });
    expect(offersOf(router.decide())).toEqual({ i4: 'a' });
  });

  it('completed: a routed chat that ends frees the agent slot', () => {
    const { router } = setup();
    router.decide();
    router.accept('i1:1', 'a');
    expect(router.remove('i1', 'abandoned')).toEqual([expect.objectContaining({ type: 'completed', agentId: 'a' })]);
    expect(router.enqueue({ interactionId: 'i1', queue: 'q' })).toEqual([]);
  });

  it('transfer to a queue: the agent is freed and the chat starts a new wait there', () => {
    const { router, clock } = setup();
    readyAgent(router, 'c', ['other'], 1);
    router.decide();
    router.accept('i1:1', 'a');
    clock.advance(4000);
    expect(router.transferToQueue('i1', 'other')).toEqual([{ type: 'transferred', at: clock.now(), interactionId: 'i1', from: 'q', queue: 'other' }]);
    expect(router.interaction('i1')).toMatchObject({ status: 'waiting', queue: 'other', enqueuedAt: clock.now() });
    expect(offersOf(router.decide())).toEqual({ i1: 'c' });
    expect(codeOf(() => router.transferToQueue('i1', 'nowhere'))).toBe('UNKNOWN_QUEUE');
  });

  it('transfer to a named agent: offered to that agent only; if it declines, the chat goes back to its queue', () => {
    const { router } = setup();
    router.login({ agentId: 'expert', capacity: { chat: 1 }, queues: [], ready: true });
    router.transferToAgent('i1', 'expert');
    expect(offersOf(router.decide())).toEqual({ i1: 'expert' });
    router.decline('i1:1', 'expert');
    expect(router.interaction('i1')?.targetAgentId).toBeUndefined();
    expect(offersOf(router.decide())).toEqual({ i1: 'a' });
    expect(codeOf(() => router.transferToAgent('i1', 'nobody'))).toBe('UNKNOWN_AGENT');
  });

  it('transfer to a named agent who logs out before it is offered: back to the queue at once', () => {
    const { router } = setup();
    router.login({ agentId: 'expert', capacity: { chat: 1 }, queues: [] });
    router.transferToAgent('i1', 'expert');
    expect(router.logout('expert')).toEqual([
      expect.objectContaining({ type: 'redirected', interactionId: 'i1', agentId: 'expert', reason: 'target-unavailable' }),
      expect.objectContaining({ type: 'agent-gone', agentId: 'expert' }),
    ]);
    expect(offersOf(router.decide())).toEqual({ i1: 'a' });
  });

  it('transfer to a named agent that never gets free: back to the queue after the offer timeout', () => {
    const { router, clock } = setup();
    router.login({ agentId: 'busy', capacity: { chat: 1 }, queues: [], ready: false });
    router.setNotReady('a');
    router.setNotReady('b');
    router.transferToAgent('i1', 'busy');
    clock.advance(20_000);
    expect(ofType(router.decide(), 'redirected')).toEqual([expect.objectContaining({ agentId: 'busy', reason: 'target-unavailable' })]);
    router.setReady('b');
    expect(offersOf(router.decide())).toEqual({ i1: 'b' });
  });

  it('refuses unknown interactions, unknown agents and malformed offer ids with a clear code', () => {
    const { router } = setup();
    expect(codeOf(() => router.accept('nope:1', 'a'))).toBe('UNKNOWN_INTERACTION');
    expect(codeOf(() => router.accept('i1:1', 'ghost'))).toBe('UNKNOWN_AGENT');
    expect(codeOf(() => router.accept('nocolon', 'a'))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => router.accept('', 'a'))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => router.remove('i1', 'vanished' as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => router.enqueue({ interactionId: 'x', queue: 'nowhere' }))).toBe('UNKNOWN_QUEUE');
    expect(codeOf(() => router.enqueue({ interactionId: 'x', queue: 'q', priority: 1.5 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => router.enqueue(null as never))).toBe('INVALID_ARGUMENT');
  });
});
