import { decideAndAcceptAll, ofType, offersOf, readyAgent, routerWith } from './test/harness';

describe('strategies', () => {
  describe('round-robin', () => {
    it('gives every eligible agent its turn, in a circle, over many assignments', () => {
      const { router, clock } = routerWith([{ name: 'q', strategy: 'round-robin' }]);
      for (const id of ['a', 'b', 'c']) readyAgent(router, id, ['q'], 100);
      const counts: Record<string, number> = {};
      const order: string[] = [];
      for (let i = 0; i < 90; i++) {
        router.enqueue({ interactionId: `i${i}`, queue: 'q' });
        clock.advance(1000);
        for (const o of decideAndAcceptAll(router)) {
          counts[o.agentId] = (counts[o.agentId] ?? 0) + 1;
          order.push(o.agentId);
        }
      }
      expect(counts).toEqual({ a: 30, b: 30, c: 30 });
      expect(order.slice(0, 6)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    });

    it('skips an agent that is not ready and carries on after it', () => {
      const { router } = routerWith([{ name: 'q', strategy: 'round-robin' }]);
      for (const id of ['a', 'b', 'c']) readyAgent(router, id, ['q'], 10);
      router.setNotReady('b', 'Break');
      for (let i = 0; i < 4; i++) router.enqueue({ interactionId: `i${i}`, queue: 'q' });
      expect(Object.values(offersOf(router.decide()))).toEqual(['a', 'c', 'a', 'c']);
    });
  });

  describe('longest-idle', () => {
    it('offers to the agent idle the longest, and rotates as each is offered one', () => {
      const { router, clock } = routerWith([{ name: 'q', strategy: 'longest-idle' }]);
      readyAgent(router, 'late', ['q'], 5);
      clock.advance(1000);
      readyAgent(router, 'later', ['q'], 5);
      clock.advance(1000);
      router.setNotReady('late');
      router.setReady('late'); // ready again: idle from now, behind `later`
      router.enqueue({ interactionId: 'i1', queue: 'q' });
      clock.advance(1000);
      expect(offersOf(router.decide())).toEqual({ i1: 'later' });
      router.enqueue({ interactionId: 'i2', queue: 'q' });
      clock.advance(1000);
      expect(offersOf(router.decide())).toEqual({ i2: 'late' });
    });

    it('spreads many assignments evenly among equal agents', () => {
      const { router, clock } = routerWith([{ name: 'q' }]);
      for (const id of ['a', 'b', 'c', 'd']) readyAgent(router, id, ['q'], 1000);
      const counts: Record<string, number> = {};
      for (let i = 0; i < 200; i++) {
        router.enqueue({ interactionId: `i${i}`, queue: 'q' });
        clock.advance(500);
        for (const o of decideAndAcceptAll(router)) counts[o.agentId] = (counts[o.agentId] ?? 0) + 1;
      }
      expect(counts).toEqual({ a: 50, b: 50, c: 50, d: 50 });
    });
  });

  describe('least-busy', () => {
    it('offers to the agent with the lowest load over capacity', () => {
      const { router, clock } = routerWith([{ name: 'q', strategy: 'least-busy' }]);
      readyAgent(router, 'big', ['q'], 4);
      readyAgent(router, 'small', ['q'], 2);
      for (let i = 0; i < 6; i++) router.enqueue({ interactionId: `i${i}`, queue: 'q' });
      clock.advance(1000);
      const offers = decideAndAcceptAll(router);
      const per = (id: string): number => offers.filter((o) => o.agentId === id).length;
      // Both end full, and at every step the emptier one (by ratio) got the chat: 4 of 4 and 2 of 2.
      expect([per('big'), per('small')]).toEqual([4, 2]);
      expect(offers.slice(0, 2).map((o) => o.agentId)).toEqual(['big', 'small']);
    });

    it('sends new chats to the agent whose chats ended', () => {
      const { router, clock } = routerWith([{ name: 'q', strategy: 'least-busy' }]);
      readyAgent(router, 'a', ['q'], 3);
      readyAgent(router, 'b', ['q'], 3);
      for (let i = 0; i < 4; i++) router.enqueue({ interactionId: `i${i}`, queue: 'q' });
      const first = decideAndAcceptAll(router);
      for (const o of first.filter((x) => x.agentId === 'a')) router.remove(o.interactionId, 'completed');
      router.enqueue({ interactionId: 'n1', queue: 'q' });
      router.enqueue({ interactionId: 'n2', queue: 'q' });
      clock.advance(1000);
      expect(offersOf(router.decide())).toEqual({ n1: 'a', n2: 'a' });
    });
  });

  it('never offers beyond an agent capacity, offers included', () => {
    const { router, clock } = routerWith([{ name: 'q' }]);
    readyAgent(router, 'a', ['q'], 2);
    for (let i = 0; i < 5; i++) router.enqueue({ interactionId: `i${i}`, queue: 'q' });
    expect(Object.keys(offersOf(router.decide()))).toEqual(['i0', 'i1']);
    clock.advance(1000);
    expect(ofType(router.decide(), 'offered')).toEqual([]);
    router.accept('i0:1', 'a');
    router.remove('i0', 'completed');
    expect(offersOf(router.decide())).toEqual({ i2: 'a' });
  });

  it('keeps each media to its own capacity', () => {
    const { router } = routerWith([{ name: 'q' }]);
    router.login({ agentId: 'a', capacity: { chat: 1, email: 1 }, queues: ['q'], ready: true });
    router.enqueue({ interactionId: 'c1', queue: 'q' });
    router.enqueue({ interactionId: 'c2', queue: 'q' });
    router.enqueue({ interactionId: 'e1', queue: 'q', mediaType: 'email' });
    router.enqueue({ interactionId: 's1', queue: 'q', mediaType: 'sms' });
    expect(offersOf(router.decide())).toEqual({ c1: 'a', e1: 'a' });
  });

  it('honours skills and levels: only agents at or above every required level are offered', () => {
    const { router } = routerWith([{ name: 'vip', requiredSkills: { french: 7, billing: 3 } }]);
    readyAgent(router, 'novice', ['vip'], 5, { french: 6, billing: 9 });
    readyAgent(router, 'monolingual', ['vip'], 5, { billing: 10 });
    readyAgent(router, 'expert', ['vip'], 5, { french: 7, billing: 3 });
    for (let i = 0; i < 3; i++) router.enqueue({ interactionId: `i${i}`, queue: 'vip' });
    expect(offersOf(router.decide())).toEqual({ i0: 'expert', i1: 'expert', i2: 'expert' });
  });

  it('serves higher priority first across the queues an agent serves', () => {
    const { router, clock } = routerWith([
      { name: 'normal', priority: 1 },
      { name: 'vip', priority: 5 },
    ]);
    router.enqueue({ interactionId: 'old-normal', queue: 'normal' });
    clock.advance(10_000);
    router.enqueue({ interactionId: 'new-vip', queue: 'vip' });
    readyAgent(router, 'a', ['normal', 'vip'], 1);
    expect(offersOf(router.decide())).toEqual({ 'new-vip': 'a' });
  });
});
