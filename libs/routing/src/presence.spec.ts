import { isRoutingError } from './errors';
import { ofType, offersOf, readyAgent, routerWith } from './test/harness';

function setup() {
  const ctx = routerWith([{ name: 'q', offerTimeoutMs: 60_000 }], { graceMs: 30_000, flapLimit: 4, flapWindowMs: 60_000, flapQuietMs: 20_000 });
  readyAgent(ctx.router, 'a', ['q'], 3);
  return ctx;
}

describe('agent presence', () => {
  it('logs in not ready by default, with its reason code kept', () => {
    const { router } = setup();
    router.login({ agentId: 'b', capacity: { chat: 1 }, queues: ['q'], notReadyReason: 'AfterCallWork' });
    expect(router.agent('b')).toMatchObject({ ready: false, notReadyReason: 'AfterCallWork', connected: true });
    router.setReady('b');
    expect(router.agent('b')).toMatchObject({ ready: true });
    expect(router.agent('b')?.notReadyReason).toBeUndefined();
  });

  it('lost connection with grace: no new offers meanwhile; after the grace, offers and chats return at their original place', () => {
    const { router, clock } = setup();
    readyAgent(router, 'b', ['q'], 3);
    router.setNotReady('b');
    router.enqueue({ interactionId: 'old', queue: 'q' });
    clock.advance(1000);
    router.enqueue({ interactionId: 'open', queue: 'q' });
    router.decide();
    router.accept('old:1', 'a');
    clock.advance(1000);
    router.enqueue({ interactionId: 'newer', queue: 'q' });
    router.connectionLost('a');
    expect(offersOf(router.decide())).toEqual({});
    clock.advance(29_999);
    expect(router.agent('a')).toMatchObject({ connected: false });
    clock.advance(1);
    const events = router.tick();
    expect(events.map((e) => e.type)).toEqual(['returned', 'redirected', 'agent-gone']);
    expect(ofType(events, 'redirected')[0]).toMatchObject({ interactionId: 'open', reason: 'agent-lost' });
    expect(router.agent('a')).toBeUndefined();
    // The returned chat keeps its place in line ahead of one that came later.
    router.setReady('b');
    expect(Object.keys(offersOf(router.decide()))).toEqual(['old', 'open', 'newer']);
    expect(router.interaction('old')?.enqueuedAt).toBeLessThan(router.interaction('newer')?.enqueuedAt ?? 0);
  });

  it('reconnection within the grace keeps everything: the chat, the open offer and the place', () => {
    const { router, clock } = setup();
    router.enqueue({ interactionId: 'i1', queue: 'q' });
    router.enqueue({ interactionId: 'i2', queue: 'q' });
    router.decide();
    router.accept('i1:1', 'a');
    router.connectionLost('a');
    clock.advance(20_000);
    router.connectionLost('a'); // said again: the grace is not extended
    expect(router.agent('a')?.graceUntil).toBe(clock.now() + 10_000);
    router.reconnect('a');
    clock.advance(60_000 - 20_000 - 1);
    expect(router.tick()).toEqual([]);
    expect(router.accept('i2:1', 'a')).toHaveLength(1);
    expect(router.interaction('i1')).toMatchObject({ status: 'routed', agentId: 'a' });
  });

  it('a login during the grace is a reconnection with the new profile', () => {
    const { router, clock } = setup();
    router.enqueue({ interactionId: 'i1', queue: 'q' });
    router.decide();
    router.accept('i1:1', 'a');
    router.connectionLost('a');
    clock.advance(10_000);
    router.login({ agentId: 'a', capacity: { chat: 1 }, queues: ['q'] });
    clock.advance(60_000);
    expect(router.tick()).toEqual([]);
    expect(router.agent('a')).toMatchObject({ connected: true, ready: true, capacity: { chat: 1 } });
    expect(router.interaction('i1')?.agentId).toBe('a');
  });

  it('a lower capacity takes nothing away: no new offers until the load is below it', () => {
    const { router } = setup();
    for (const id of ['i1', 'i2', 'i3']) router.enqueue({ interactionId: id, queue: 'q' });
    router.decide();
    router.login({ agentId: 'a', capacity: { chat: 1 }, queues: ['q'] });
    expect(router.interaction('i3')?.status).toBe('offered');
    router.remove('i1', 'completed');
    router.remove('i2', 'completed');
    router.enqueue({ interactionId: 'i4', queue: 'q' });
    expect(offersOf(router.decide())).toEqual({});
    router.remove('i3', 'completed');
    expect(offersOf(router.decide())).toEqual({ i4: 'a' });
  });

  it('logout returns the agent work at once', () => {
    const { router } = setup();
    router.enqueue({ interactionId: 'i1', queue: 'q' });
    router.decide();
    router.accept('i1:1', 'a');
    expect(router.logout('a').map((e) => e.type)).toEqual(['returned', 'agent-gone']);
    expect(router.interaction('i1')?.status).toBe('waiting');
  });

  it('flapping: more ready/not-ready changes than the limit hold the agent out of offers until it keeps still', () => {
    const { router, clock } = setup();
    router.enqueue({ interactionId: 'i1', queue: 'q' });
    let flaps: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      flaps = flaps.concat(ofType(i % 2 === 0 ? router.setNotReady('a', 'x') : router.setReady('a'), 'agent-flapping'));
    }
    // 1 change at login + 4 here pass the limit of 4 in the window; the 5th here, while held, extends the hold.
    expect(flaps).toEqual([expect.objectContaining({ agentId: 'a', until: clock.now() - 1000 + 20_000 })]);
    expect(router.agent('a')?.flappingUntil).toBe(clock.now() + 20_000);
    expect(router.agent('a')?.ready).toBe(false);
    clock.advance(1000);
    router.setReady('a'); // a further change while held extends the hold
    clock.advance(19_999);
    expect(offersOf(router.decide())).toEqual({});
    clock.advance(1);
    expect(offersOf(router.decide())).toEqual({ i1: 'a' });
  });

  it('saying ready twice is no change and does not count as flapping', () => {
    const { router } = setup();
    for (let i = 0; i < 20; i++) expect(router.setReady('a')).toEqual([]);
    expect(router.agent('a')?.flappingUntil).toBeUndefined();
  });

  describe('bad input', () => {
    const cases: [string, object, string, RegExp][] = [
      [
        'negative capacity',
        { agentId: 'x', capacity: { chat: -1 }, queues: ['q'] },
        'INVALID_ARGUMENT',
        /capacity of "chat" must be a whole number from 0 to 1000 \(got -1\)/,
      ],
      ['fractional capacity', { agentId: 'x', capacity: { chat: 1.5 }, queues: ['q'] }, 'INVALID_ARGUMENT', /capacity/],
      ['skill level above 10', { agentId: 'x', capacity: { chat: 1 }, skills: { french: 11 }, queues: ['q'] }, 'INVALID_ARGUMENT', /skill level of "french"/],
      ['unknown queue', { agentId: 'x', capacity: { chat: 1 }, queues: ['nowhere'] }, 'UNKNOWN_QUEUE', /unknown queue "nowhere"/],
      ['no agent id', { capacity: { chat: 1 }, queues: ['q'] }, 'INVALID_ARGUMENT', /agentId/],
      ['queues not a list', { agentId: 'x', capacity: { chat: 1 }, queues: 'q' }, 'INVALID_ARGUMENT', /queues/],
      ['reason too long', { agentId: 'x', capacity: { chat: 1 }, queues: ['q'], notReadyReason: 'r'.repeat(65) }, 'INVALID_ARGUMENT', /not-ready reason/],
    ];
    it.each(cases)('%s is refused with a clear error and changes nothing', (_name, profile, code, message) => {
      const { router } = setup();
      const before = router.toJSON();
      let caught: unknown;
      try {
        router.login(profile as never);
      } catch (e) {
        caught = e;
      }
      expect(isRoutingError(caught) && caught.code).toBe(code);
      expect((caught as Error).message).toMatch(message);
      expect(router.toJSON()).toEqual(before);
    });

    it('operations on an agent that is not logged in are refused', () => {
      const { router } = setup();
      expect(() => router.setReady('ghost')).toThrow(/agent "ghost" is not logged in/);
      expect(() => router.reconnect('ghost')).toThrow(/not logged in/);
    });
  });
});
