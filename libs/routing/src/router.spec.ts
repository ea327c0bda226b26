import { ManualClock } from '@ocs/chat-domain/testing';
import { goneProperties } from './properties';
import { Router } from './router';
import { offersOf, ofType, readyAgent, routerWith } from './test/harness';

describe('Router', () => {
  it('keeps its state as JSON: a router made on the stored state carries on from it', () => {
    const queues = [{ name: 'q', strategy: 'round-robin' as const, offerTimeoutMs: 10_000 }];
    const { router, clock } = routerWith(queues);
    for (const id of ['a', 'b', 'c']) readyAgent(router, id, ['q'], 1);
    router.enqueue({ interactionId: 'i1', queue: 'q' });
    router.enqueue({ interactionId: 'i2', queue: 'q' });
    router.decide();
    router.accept('i1:1', 'a');
    const stored = JSON.parse(JSON.stringify(router.toJSON()));
    const again = new Router(clock, queues, {}, stored);
    expect(again.toJSON()).toEqual(router.toJSON());
    router.enqueue({ interactionId: 'i3', queue: 'q' });
    again.enqueue({ interactionId: 'i3', queue: 'q' });
    clock.advance(10_000); // i2's offer to b times out on both, and both redirect it the same way
    expect(again.decide()).toEqual(router.decide());
    expect(offersOf(again.decide())).toEqual({});
  });

  it('refuses a stored state that is not one', () => {
    expect(() => new Router(new ManualClock(), [], {}, { version: 2 } as never)).toThrow('a stored routing state must be a version 1 state');
  });

  it('answers copies: changing what it answered changes nothing inside', () => {
    const { router } = routerWith([{ name: 'q' }]);
    readyAgent(router, 'a', ['q']);
    const agent = router.agent('a');
    if (agent) agent.capacity.chat = 99;
    expect(router.agent('a')?.capacity.chat).toBe(1);
  });

  it('works on a copy of the state it is made on, and once it hands its own over (final) only answers questions', () => {
    const queues = [{ name: 'q' }];
    const { router, clock } = routerWith(queues);
    readyAgent(router, 'a', ['q']);
    const stored = router.toJSON();
    const copy = new Router(clock, queues, {}, stored);
    copy.enqueue({ interactionId: 'i1', queue: 'q' });
    copy.decide();
    expect(stored.interactions).toEqual({});
    const final = copy.final().toJSON();
    expect(final.interactions.i1?.status).toBe('offered');
    expect(copy.properties('i1')).toBeDefined();
    expect(copy.depths()).toEqual({ q: 0 });
    expect(() => copy.enqueue({ interactionId: 'i2', queue: 'q' })).toThrow('this router handed its state over (final)');
    expect(() => copy.decide()).toThrow('this router handed its state over (final)');
    expect(Object.keys(final.interactions)).toEqual(['i1']);
  });

  it('applies commands in one step as one after the other, and the step’s decision still parks a chat at its maxOffers', () => {
    const { router } = routerWith([{ name: 'q', maxOffers: 1, parkMs: 30_000 }]);
    readyAgent(router, 'a', ['q']);
    readyAgent(router, 'b', ['q']);
    router.enqueue({ interactionId: 'i1', queue: 'q' });
    const [offer] = ofType(router.decide(), 'offered');
    const events = router.inOneStep(() => [...router.decline(offer.offerId, offer.agentId), ...router.enqueue({ interactionId: 'i2', queue: 'q' })]);
    expect(events.map((e) => e.type)).toEqual(['declined', 'redirected', 'queued']);
    const decided = router.decide();
    expect(ofType(decided, 'parked').map((e) => e.interactionId)).toEqual(['i1']);
    expect(ofType(decided, 'offered').map((e) => e.interactionId)).toEqual(['i2']);
  });

  it('tells the next deadline: the earliest offer timeout, grace end or skip end', () => {
    const { router, clock } = routerWith([{ name: 'q', offerTimeoutMs: 15_000 }], { graceMs: 5000 });
    expect(router.nextDeadline()).toBeUndefined();
    readyAgent(router, 'a', ['q']);
    router.enqueue({ interactionId: 'i1', queue: 'q' });
    router.decide();
    expect(router.nextDeadline()).toBe(clock.now() + 15_000);
    router.connectionLost('a');
    expect(router.nextDeadline()).toBe(clock.now() + 5000);
  });

  describe('properties', () => {
    it('keeps IsOnline, the queue, the status, the wait time and the agent selected current', () => {
      const { router, clock } = routerWith([{ name: 'q' }]);
      readyAgent(router, 'a', ['q']);
      router.enqueue({ interactionId: 'i1', queue: 'q' });
      clock.advance(1999);
      expect(router.properties('i1')).toEqual({ IsOnline: '1', RoutingQueue: 'q', RoutingStatus: 'waiting', RoutingWaitTime: '1', RTargetAgentSelected: '' });
      router.decide();
      clock.advance(3001);
      router.accept('i1:1', 'a');
      clock.advance(60_000);
      expect(router.properties('i1')).toEqual({ IsOnline: '1', RoutingQueue: 'q', RoutingStatus: 'routed', RoutingWaitTime: '5', RTargetAgentSelected: 'a' });
      router.remove('i1', 'completed');
      expect(router.properties('i1')).toBeUndefined();
    });

    it('a chat abandoned or stopped in queue is no longer online', () => {
      expect(goneProperties('abandoned')).toEqual({ IsOnline: '0' });
      expect(goneProperties('stopped')).toEqual({ IsOnline: '0' });
      expect(goneProperties('completed')).toEqual({});
    });
  });
});
