import { isRoutingError } from './errors';
import { effectivePriority, queueConfigProblems, validateQueues, QUEUE_DEFAULTS } from './queue-config';
import { Router } from './router';
import { ofType, offersOf, readyAgent, routerWith } from './test/harness';
import { ManualClock } from '@ocs/chat-domain/testing';

describe('queues', () => {
  it('aging lets an old low-priority chat overtake newer high-priority ones', () => {
    const { router, clock } = routerWith([
      { name: 'low', priority: 1, agingStepMs: 10_000, agingIncrement: 1, maxPriority: 10 },
      { name: 'high', priority: 5 },
    ]);
    router.enqueue({ interactionId: 'old-low', queue: 'low' });
    clock.advance(30_000); // aged to 4: still below 5
    router.enqueue({ interactionId: 'vip-1', queue: 'high' });
    readyAgent(router, 'a', ['low', 'high'], 1);
    expect(offersOf(router.decide())).toEqual({ 'vip-1': 'a' });
    router.remove('vip-1', 'completed');
    clock.advance(20_000); // aged to 6: above 5
    router.enqueue({ interactionId: 'vip-2', queue: 'high' });
    expect(offersOf(router.decide())).toEqual({ 'old-low': 'a' });
  });

  it('aging stops at the queue maximum priority', () => {
    const q = { ...QUEUE_DEFAULTS, name: 'q', priority: 2, agingStepMs: 1000, agingIncrement: 3, maxPriority: 9 };
    expect(effectivePriority(q, 2, 999)).toBe(2);
    expect(effectivePriority(q, 2, 2000)).toBe(8);
    expect(effectivePriority(q, 2, 60_000)).toBe(9);
    expect(effectivePriority({ ...q, agingStepMs: 0 }, 2, 60_000)).toBe(2);
  });

  it('overflow after the wait: the chat moves to the overflow queue, keeping its place in line', () => {
    const { router, clock } = routerWith([
      { name: 'first', overflowQueue: 'backup', overflowAfterMs: 60_000 },
      { name: 'backup', overflowQueue: 'last', overflowAfterMs: 60_000 },
      { name: 'last' },
    ]);
    readyAgent(router, 'b', ['backup'], 1);
    router.setNotReady('b');
    router.enqueue({ interactionId: 'i1', queue: 'first' });
    expect(router.nextDeadline()).toBe(clock.now() + 60_000);
    clock.advance(59_999);
    expect(ofType(router.decide(), 'overflowed')).toEqual([]);
    clock.advance(1);
    const events = router.decide();
    expect(ofType(events, 'overflowed')).toEqual([
      { type: 'overflowed', at: clock.now(), interactionId: 'i1', from: 'first', queue: 'backup', reason: 'wait', waitMs: 60_000 },
    ]);
    expect(router.interaction('i1')).toMatchObject({ queue: 'backup', enqueuedAt: clock.now() - 60_000 });
    router.setReady('b');
    expect(offersOf(router.decide())).toEqual({ i1: 'b' });
  });

  it('after its maximum of offers a chat overflows, or without an overflow queue rests parked and is offered again later', () => {
    const { router, clock } = routerWith([
      { name: 'q', maxOffers: 2, offerTimeoutMs: 1000, redirectSkipMs: 1, overflowQueue: 'spill' },
      { name: 'spill', maxOffers: 1, offerTimeoutMs: 1000, redirectSkipMs: 1, parkMs: 30_000 },
    ]);
    readyAgent(router, 'a', ['q', 'spill'], 1);
    router.enqueue({ interactionId: 'i1', queue: 'q' });
    router.decide();
    router.decline('i1:1', 'a');
    clock.advance(10);
    router.decide();
    clock.advance(1000); // second offer unanswered
    const events = router.decide();
    expect(ofType(events, 'overflowed')).toEqual([expect.objectContaining({ from: 'q', queue: 'spill', reason: 'max-offers' })]);
    expect(offersOf(events)).toEqual({ i1: 'a' });
    router.decline('i1:3', 'a');
    clock.advance(10);
    const parked = router.decide();
    expect(ofType(parked, 'parked')).toEqual([expect.objectContaining({ queue: 'spill', until: clock.now() + 30_000 })]);
    expect(offersOf(parked)).toEqual({});
    expect(router.interaction('i1')?.status).toBe('waiting');
    clock.advance(30_000);
    expect(offersOf(router.decide())).toEqual({ i1: 'a' });
  });

  it('a chat no agent can ever take stays waiting, is reported once, and is taken once an able agent logs in', () => {
    const { router } = routerWith([{ name: 'rare', requiredSkills: { klingon: 9 } }, { name: 'nobody' }]);
    readyAgent(router, 'a', ['rare'], 1, { klingon: 8 });
    router.enqueue({ interactionId: 'i1', queue: 'rare' });
    router.enqueue({ interactionId: 'i2', queue: 'nobody' });
    const events = router.decide();
    expect(ofType(events, 'unservable').map((e) => [e.interactionId, e.reason])).toEqual([
      ['i1', 'no agent serving queue rare has the required skills'],
      ['i2', 'no agent logged in serves queue nobody'],
    ]);
    expect(ofType(router.decide(), 'unservable')).toEqual([]);
    expect(router.interaction('i1')?.status).toBe('waiting');
    readyAgent(router, 'b', ['rare'], 1, { klingon: 9 });
    expect(offersOf(router.decide())).toEqual({ i1: 'b' });
  });

  it('a chat whose media no serving agent has capacity for is reported the same way', () => {
    const { router } = routerWith([{ name: 'q' }]);
    readyAgent(router, 'a', ['q'], 1);
    router.enqueue({ interactionId: 'e1', queue: 'q', mediaType: 'email' });
    expect(ofType(router.decide(), 'unservable')).toEqual([expect.objectContaining({ reason: 'no agent serving queue q has capacity for email' })]);
  });

  describe('configuration', () => {
    it('fills the defaults', () => {
      expect(validateQueues([{ name: 'q' }])).toEqual([{ ...QUEUE_DEFAULTS, name: 'q' }]);
    });

    it('reports every problem, each naming its queue and field', () => {
      const problems = queueConfigProblems([
        { name: 'a', overflowQueue: 'missing', overflowAfterMs: 1000 },
        { name: 'b', strategy: 'random' as never, requiredSkills: { french: 11, german: -1 } },
        { name: 'c', offerTimeoutMs: -5, maxOffers: 1.5, priority: 5, maxPriority: 1 },
        { name: 'd', overflowQueue: 'e', overflowAfterMs: 1000 },
        { name: 'e', overflowQueue: 'd', overflowAfterMs: 1000 },
        { name: 'f', overflowQueue: 'f', overflowAfterMs: 1000 },
        { name: 'g', overflowAfterMs: 1000, overflowAfter: 5 } as never,
        { name: 'a' },
        { name: '' },
      ]);
      expect(problems).toEqual([
        'queue "b": unknown strategy "random" (expected one of longest-idle, least-busy, round-robin, manual, external)',
        'queue "b": required skill "french" at level 11 is impossible (levels run 0–10)',
        'queue "b": required skill "german" at level -1 is impossible (levels run 0–10)',
        'queue "c": offerTimeoutMs must be a whole number of milliseconds ≥ 0',
        'queue "c": maxOffers must be a whole number ≥ 0',
        'queue "c": maxPriority is below priority',
        'queue "g": unknown field overflowAfter',
        'queue "g": overflowAfterMs is set but no overflowQueue',
        'queue "a": configured twice',
        'queue #9: a name is required',
        'queue "a": unknown overflow queue "missing"',
        'queue "d": overflow goes round in a circle (d → e → d)',
        'queue "e": overflow goes round in a circle (e → d → e)',
        'queue "f": overflow goes round in a circle (f → f)',
      ]);
    });

    it('a router refuses a bad configuration with every problem in one error', () => {
      let caught: unknown;
      try {
        new Router(new ManualClock(), [
          { name: 'q', offerTimeoutMs: 0 },
          { name: 'r', overflowQueue: 'x' },
        ]);
      } catch (e) {
        caught = e;
      }
      expect(isRoutingError(caught) && caught.code).toBe('INVALID_CONFIG');
      expect((caught as Error).message).toBe(
        'invalid routing queues: queue "q": offerTimeoutMs must be > 0 (an offer nobody answers would hold the chat); queue "r": unknown overflow queue "x"',
      );
      expect(() => new Router(new ManualClock(), [], { graceMs: -1 })).toThrow('router option graceMs must be a whole number ≥ 0');
    });
  });
});
