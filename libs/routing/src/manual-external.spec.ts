import { codeOf, ofType, offersOf, readyAgent, routerWith } from './test/harness';

describe('manual queues', () => {
  function setup() {
    const ctx = routerWith([{ name: 'desk', strategy: 'manual', requiredSkills: { tax: 5 } }, { name: 'auto' }]);
    readyAgent(ctx.router, 'pro', ['desk'], 1, { tax: 6 });
    readyAgent(ctx.router, 'junior', ['desk'], 1, { tax: 2 });
    readyAgent(ctx.router, 'outsider', ['auto'], 1, { tax: 9 });
    ctx.router.enqueue({ interactionId: 'i1', queue: 'desk' });
    ctx.router.enqueue({ interactionId: 'i2', queue: 'desk' });
    return ctx;
  }

  it('makes no offers: the chats wait for an agent to pick, listed in serving order', () => {
    const { router } = setup();
    expect(offersOf(router.decide())).toEqual({});
    expect(router.waiting('desk').map((it) => it.interactionId)).toEqual(['i1', 'i2']);
  });

  it('a pick by an eligible agent routes the chat at once', () => {
    const { router, clock } = setup();
    clock.advance(2500);
    expect(router.pick('pro', 'i2')).toEqual([
      { type: 'accepted', at: clock.now(), interactionId: 'i2', queue: 'desk', agentId: 'pro', offerId: 'i2:1', waitMs: 2500, picked: true },
    ]);
    expect(router.waiting('desk').map((it) => it.interactionId)).toEqual(['i1']);
  });

  it('refuses a pick by an agent lacking the skill, not serving the queue, at capacity or not ready, and of a chat not waiting', () => {
    const { router } = setup();
    expect(() => router.pick('junior', 'i1')).toThrow('agent junior cannot take interaction i1: the agent lacks tax≥5');
    expect(() => router.pick('outsider', 'i1')).toThrow('the agent does not serve queue desk');
    router.pick('pro', 'i1');
    expect(codeOf(() => router.pick('pro', 'i2'))).toBe('NO_CAPACITY');
    expect(codeOf(() => router.pick('pro', 'i1'))).toBe('NOT_WAITING');
    router.setNotReady('junior');
    expect(() => router.pick('junior', 'i2')).toThrow('the agent is not ready');
    expect(codeOf(() => router.pick('pro', 'nope'))).toBe('UNKNOWN_INTERACTION');
  });

  it('an agent lost while holding a picked chat returns it to the queue for the next pick', () => {
    const { router, clock } = setup();
    router.pick('pro', 'i1');
    router.connectionLost('pro');
    clock.advance(30_000);
    expect(ofType(router.tick(), 'returned')).toHaveLength(1);
    expect(router.waiting('desk').map((it) => it.interactionId)).toEqual(['i1', 'i2']);
  });
});

describe('external queues', () => {
  function setup() {
    const ctx = routerWith([{ name: 'ext', strategy: 'external', externalTimeoutMs: 5000 }, { name: 'elsewhere' }]);
    readyAgent(ctx.router, 'a', ['ext'], 1);
    readyAgent(ctx.router, 'b', ['ext'], 1);
    readyAgent(ctx.router, 'c', ['elsewhere'], 1);
    ctx.router.enqueue({ interactionId: 'i1', queue: 'ext' });
    return ctx;
  }

  it('asks for a decision once, naming the eligible agents; an agent decision becomes an offer', () => {
    const { router, clock } = setup();
    const asked = ofType(router.decide(), 'ask-external');
    expect(asked).toEqual([
      { type: 'ask-external', at: clock.now(), interactionId: 'i1', queue: 'ext', requestId: 'X1', candidates: ['a', 'b'], expiresAt: clock.now() + 5000 },
    ]);
    expect(router.decide()).toEqual([]);
    const events = router.externalDecision('X1', { agentId: 'b' });
    expect(offersOf(events)).toEqual({ i1: 'b' });
    router.accept('i1:1', 'b');
    expect(router.interaction('i1')).toMatchObject({ status: 'routed', agentId: 'b' });
    expect(codeOf(() => router.externalDecision('X1', { agentId: 'a' }))).toBe('UNKNOWN_REQUEST');
  });

  it('a queue decision moves the chat there', () => {
    const { router } = setup();
    router.decide();
    expect(ofType(router.externalDecision('X1', { queue: 'elsewhere' }), 'transferred')).toHaveLength(1);
    expect(offersOf(router.decide())).toEqual({ i1: 'c' });
  });

  it('refuses a decision for an ineligible agent or an unknown queue and keeps the request open', () => {
    const { router } = setup();
    router.decide();
    expect(() => router.externalDecision('X1', { agentId: 'c' })).toThrow('agent c cannot take interaction i1: the agent does not serve queue ext');
    expect(codeOf(() => router.externalDecision('X1', { queue: 'nowhere' }))).toBe('UNKNOWN_QUEUE');
    expect(codeOf(() => router.externalDecision('X1', { agentId: 'ghost' }))).toBe('UNKNOWN_AGENT');
    expect(codeOf(() => router.externalDecision('X1', {} as never))).toBe('INVALID_ARGUMENT');
    expect(router.interaction('i1')).toMatchObject({ status: 'deciding', externalRequest: { requestId: 'X1' } });
  });

  it('a request not answered in time is asked again; a late answer is refused', () => {
    const { router, clock } = setup();
    router.decide();
    clock.advance(5000);
    expect(ofType(router.decide(), 'ask-external').map((e) => e.requestId)).toEqual(['X2']);
    expect(codeOf(() => router.externalDecision('X1', { agentId: 'a' }))).toBe('UNKNOWN_REQUEST');
  });

  it('an offer the external decision made that is declined goes back to ask again', () => {
    const { router } = setup();
    router.decide();
    router.externalDecision('X1', { agentId: 'a' });
    router.decline('i1:1', 'a');
    expect(ofType(router.decide(), 'ask-external')).toEqual([expect.objectContaining({ requestId: 'X2', candidates: ['b'] })]);
  });
});
