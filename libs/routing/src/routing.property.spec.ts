import fc from 'fast-check';
import { isRoutingError } from './errors';
import { Router } from './router';
import { routerWith } from './test/harness';
import type { RoutingEvent } from './types';

/**
 * Random sequences of every operation, refused ones included, against a router with one queue of each kind. After
 * each answered operation: no agent got work past its capacity, no interaction is with two agents, and every
 * interaction ever enqueued is waiting, offered, routed, or gone for a cause its events told. The events alone are
 * replayed into a shadow of each interaction's state, which must match the router's: the events tell the whole story.
 */
const QUEUES = ['q1', 'q2', 'q3', 'q4', 'q5'];
const AGENTS = ['a0', 'a1', 'a2', 'a3', 'a4'];
const IDS = Array.from({ length: 12 }, (_, n) => `i${n}`);

type Shadow = { status: 'waiting' | 'offered' | 'routed' | 'gone'; agentId?: string; cause?: string };

const op = fc.oneof(
  {
    arbitrary: fc.record({ k: fc.constant('enqueue'), i: fc.constantFrom(...IDS), q: fc.constantFrom(...QUEUES), media: fc.constantFrom('chat', 'email') }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      k: fc.constant('login'),
      a: fc.constantFrom(...AGENTS),
      chat: fc.integer({ min: 0, max: 3 }),
      email: fc.integer({ min: 0, max: 1 }),
      x: fc.integer({ min: 0, max: 5 }),
      queues: fc.subarray(QUEUES),
      ready: fc.constantFrom(true, true, true, false, undefined),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ k: fc.constantFrom('ready', 'notReady', 'lost', 'reconnect', 'logout'), a: fc.constantFrom(...AGENTS) }), weight: 3 },
  { arbitrary: fc.record({ k: fc.constantFrom('decide', 'tick') }), weight: 5 },
  {
    arbitrary: fc.record({
      k: fc.constantFrom('accept', 'decline'),
      i: fc.constantFrom(...IDS),
      a: fc.constantFrom(...AGENTS),
      real: fc.constantFrom(true, true, true, false),
    }),
    weight: 8,
  },
  { arbitrary: fc.record({ k: fc.constant('pick'), i: fc.constantFrom(...IDS), a: fc.constantFrom(...AGENTS) }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('toQueue'), i: fc.constantFrom(...IDS), q: fc.constantFrom(...QUEUES, 'nowhere') }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('toAgent'), i: fc.constantFrom(...IDS), a: fc.constantFrom(...AGENTS) }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('remove'), i: fc.constantFrom(...IDS), cause: fc.constantFrom('abandoned', 'stopped', 'completed') }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('advance'), ms: fc.integer({ min: 0, max: 70_000 }) }), weight: 3 },
  {
    arbitrary: fc.record({ k: fc.constant('external'), a: fc.constantFrom(...AGENTS), q: fc.option(fc.constantFrom(...QUEUES), { nil: undefined }) }),
    weight: 2,
  },
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

function apply(router: Router, o: Op, advance: (ms: number) => void): RoutingEvent[] | undefined {
  switch (o.k) {
    case 'enqueue':
      return router.enqueue({ interactionId: o.i, queue: o.q, mediaType: o.media });
    case 'login':
      return router.login({ agentId: o.a, capacity: { chat: o.chat, email: o.email }, skills: { x: o.x }, queues: o.queues, ready: o.ready });
    case 'ready':
      return router.setReady(o.a);
    case 'notReady':
      return router.setNotReady(o.a, 'Break');
    case 'lost':
      return router.connectionLost(o.a);
    case 'reconnect':
      return router.reconnect(o.a);
    case 'logout':
      return router.logout(o.a);
    case 'decide':
      return router.decide();
    case 'tick':
      return router.tick();
    case 'accept':
    case 'decline': {
      const offer = router.interaction(o.i)?.offer;
      const [offerId, agentId] = o.real && offer ? [offer.offerId, offer.agentId] : [`${o.i}:1`, o.a];
      return o.k === 'accept' ? router.accept(offerId, agentId) : router.decline(offerId, agentId);
    }
    case 'pick':
      return router.pick(o.a, o.i);
    case 'toQueue':
      return router.transferToQueue(o.i, o.q);
    case 'toAgent':
      return router.transferToAgent(o.i, o.a);
    case 'remove':
      return router.remove(o.i, o.cause as 'abandoned');
    case 'advance':
      // Moves only the clock: what falls due is run and answered by the next operation.
      advance(o.ms);
      return undefined;
    case 'external': {
      const open = IDS.map((i) => router.interaction(i)?.externalRequest?.requestId).find((r) => r !== undefined);
      return router.externalDecision(open ?? 'X0', o.q === undefined ? { agentId: o.a } : { queue: o.q });
    }
  }
}

function replay(shadow: Map<string, Shadow>, e: RoutingEvent): void {
  if (!('interactionId' in e)) return;
  const s = shadow.get(e.interactionId);
  const expectIn = (...statuses: Shadow['status'][]): void => {
    if (!s || !statuses.includes(s.status)) throw new Error(`${e.type} of ${e.interactionId} while ${s?.status ?? 'unknown'}`);
  };
  switch (e.type) {
    case 'queued':
      if (s) throw new Error(`queued twice: ${e.interactionId}`);
      shadow.set(e.interactionId, { status: 'waiting' });
      return;
    case 'offered':
      expectIn('waiting');
      shadow.set(e.interactionId, { status: 'offered', agentId: e.agentId });
      return;
    case 'accepted':
      if (e.picked) expectIn('waiting');
      else if (s?.status !== 'offered' || s.agentId !== e.agentId) throw new Error(`accepted ${e.interactionId} not offered to ${e.agentId}`);
      shadow.set(e.interactionId, { status: 'routed', agentId: e.agentId });
      return;
    case 'declined':
      expectIn('offered');
      return;
    case 'redirected':
      if (e.reason === 'target-unavailable') expectIn('waiting');
      else expectIn('offered');
      shadow.set(e.interactionId, { status: 'waiting' });
      return;
    case 'returned':
      expectIn('routed');
      shadow.set(e.interactionId, { status: 'waiting' });
      return;
    case 'transferred':
      expectIn('waiting', 'offered', 'routed');
      shadow.set(e.interactionId, { status: 'waiting' });
      return;
    case 'overflowed':
    case 'parked':
    case 'unservable':
    case 'ask-external':
      expectIn('waiting');
      return;
    case 'abandoned':
      expectIn('waiting', 'offered');
      shadow.set(e.interactionId, { status: 'gone', cause: e.cause });
      return;
    case 'completed':
      expectIn('routed');
      shadow.set(e.interactionId, { status: 'gone', cause: 'completed' });
      return;
  }
}

function checkInvariants(router: Router, shadow: Map<string, Shadow>, events: RoutingEvent[]): void {
  const state = router.toJSON();
  const load = new Map<string, number>();
  for (const id of IDS) {
    const it = state.interactions[id];
    const s = shadow.get(id);
    if (!it) {
      // Never enqueued, or gone for a cause its events told.
      if (s && s.status !== 'gone') throw new Error(`${id} lost while ${s.status}`);
      continue;
    }
    if (!s) throw new Error(`${id} in routing without a queued event`);
    const status = it.status === 'deciding' ? 'waiting' : it.status;
    if (status !== s.status) throw new Error(`${id} is ${it.status} but its events say ${s.status}`);
    const agentId = it.status === 'offered' ? it.offer?.agentId : it.agentId;
    if ((status === 'offered' || status === 'routed') && agentId !== s.agentId) throw new Error(`${id} is with ${agentId}, its events say ${s.agentId}`);
    if (status === 'waiting' && (it.agentId !== undefined || it.offer !== undefined)) throw new Error(`${id} waits but holds an agent`);
    if (agentId !== undefined && (status === 'offered' || status === 'routed')) {
      if (!state.agents[agentId]) throw new Error(`${id} is with ${agentId}, who is not logged in`);
      const key = `${agentId}/${it.mediaType}`;
      load.set(key, (load.get(key) ?? 0) + 1);
    }
  }
  // New work never takes an agent past its capacity (a capacity lowered afterwards takes nothing away).
  for (const e of events) {
    if (e.type !== 'offered' && !(e.type === 'accepted' && e.picked)) continue;
    const it = state.interactions[e.interactionId];
    const agent = state.agents[e.agentId];
    if (!it || !agent) continue;
    const now = load.get(`${e.agentId}/${it.mediaType}`) ?? 0;
    if (now > (agent.capacity[it.mediaType] ?? 0)) throw new Error(`${e.agentId} has ${now} ${it.mediaType} for a capacity of ${agent.capacity[it.mediaType]}`);
  }
}

const QUEUE_CONFIG = [
  { name: 'q1', requiredSkills: { x: 3 }, overflowQueue: 'q2', overflowAfterMs: 60_000, maxOffers: 3, offerTimeoutMs: 20_000 },
  { name: 'q2', strategy: 'round-robin' as const, offerTimeoutMs: 15_000, redirectSkipMs: 10_000 },
  { name: 'q3', strategy: 'least-busy' as const, maxOffers: 2, parkMs: 30_000, agingStepMs: 10_000 },
  { name: 'q4', strategy: 'manual' as const },
  { name: 'q5', strategy: 'external' as const, externalTimeoutMs: 10_000 },
];
const OPTIONS = { graceMs: 30_000, flapLimit: 3, flapQuietMs: 20_000 };

/** The value and everything in it frozen, maps too: a change to any of it throws (the specs run in strict mode). */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  if (value instanceof Map) {
    for (const item of value.values()) deepFreeze(item);
    const refuse = (): never => {
      throw new TypeError('a handed-over map was changed');
    };
    Object.assign(value, { set: refuse, delete: refuse, clear: refuse });
  }
  Object.freeze(value);
  for (const field of Object.values(value)) deepFreeze(field);
  return value;
}

/** The answer of an operation: its events, or the code of its refusal. */
function answer(router: Router, o: Op, advance: (ms: number) => void): RoutingEvent[] | string | undefined {
  try {
    return apply(router, o, advance);
  } catch (e) {
    if (isRoutingError(e)) return e.code;
    throw e;
  }
}

describe('routing core, random operations', () => {
  it('never exceeds capacity, never gives one interaction to two agents, never loses one', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 20, maxLength: 150, size: 'max' }), (ops) => {
        const { router, clock } = routerWith(QUEUE_CONFIG, OPTIONS);
        const shadow = new Map<string, Shadow>();
        for (const o of ops) {
          let events: RoutingEvent[] | undefined;
          try {
            events = apply(router, o, (ms) => clock.advance(ms));
          } catch (e) {
            // A refusal: the events of the timers run before it come with the next answer, checked then.
            if (isRoutingError(e)) continue;
            throw e;
          }
          if (events === undefined) continue;
          for (const e of events) replay(shadow, e);
          checkInvariants(router, shadow, events);
          JSON.stringify(router.toJSON());
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a router made on a stored state never changes it, and answers as one that kept its state', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 20, maxLength: 150, size: 'max' }), (ops) => {
        // As the routing service runs: each answered step's state handed over (frozen here) and a new router made on it.
        const { router: kept, clock } = routerWith(QUEUE_CONFIG, OPTIONS);
        let stepped = new Router(clock, QUEUE_CONFIG, OPTIONS);
        for (const o of ops) {
          const expected = answer(kept, o, () => undefined);
          const got = answer(stepped, o, (ms) => clock.advance(ms));
          expect(got).toEqual(expected);
          if (typeof got !== 'object') continue;
          expect(stepped.toJSON()).toEqual(kept.toJSON());
          stepped = new Router(clock, QUEUE_CONFIG, OPTIONS, deepFreeze(stepped.final()));
        }
      }),
      { numRuns: 200 },
    );
  });
});
