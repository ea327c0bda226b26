import { missingSkills } from './eligibility';
import type { QueueConfigInput } from './queue-config';
import { ofType, readyAgent, routerWith } from './test/harness';

/** A small deterministic random source (a linear congruential generator), so the scenario is the same every run. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

describe('a day in miniature: 200 chats, 20 agents with mixed capacity and skills', () => {
  it('every chat reaches an eligible agent exactly once, no agent ever past its capacity', () => {
    const queues: QueueConfigInput[] = [
      { name: 'general', strategy: 'longest-idle', offerTimeoutMs: 10_000 },
      {
        name: 'billing',
        strategy: 'least-busy',
        requiredSkills: { billing: 5 },
        offerTimeoutMs: 10_000,
        overflowQueue: 'general',
        overflowAfterMs: 120_000,
      },
      { name: 'french', strategy: 'round-robin', requiredSkills: { french: 7 }, offerTimeoutMs: 10_000, agingStepMs: 30_000 },
    ];
    const { router, clock } = routerWith(queues);
    const random = lcg(42);
    const capacity = new Map<string, number>();
    for (let n = 0; n < 20; n++) {
      const id = `agent-${String(n).padStart(2, '0')}`;
      const chats = 1 + (n % 4);
      capacity.set(id, chats);
      readyAgent(router, id, ['general', 'billing', 'french'], chats, { billing: n % 10, french: (n * 3) % 11 });
    }
    const accepted = new Map<string, string>();
    const ends = new Map<string, number>();
    let next = 0;
    const overloads: string[] = [];
    for (let step = 0; step < 2000 && accepted.size < 200; step++) {
      clock.advance(1000);
      for (let k = 0; k < 2 && next < 200; k++, next++) {
        const queue = queues[next % 3].name;
        router.enqueue({ interactionId: `chat-${next}`, queue });
      }
      for (const [id, at] of ends) {
        if (at <= clock.now()) {
          router.remove(id, 'completed');
          ends.delete(id);
        }
      }
      for (const offer of ofType(router.decide(), 'offered')) {
        const r = random();
        if (r < 0.1) router.decline(offer.offerId, offer.agentId);
        else if (r < 0.15)
          continue; // not answered: redirected after the offer timeout
        else {
          const events = router.accept(offer.offerId, offer.agentId);
          for (const a of ofType(events, 'accepted')) {
            expect(accepted.has(a.interactionId)).toBe(false);
            accepted.set(a.interactionId, a.agentId);
            const it = router.interaction(a.interactionId);
            const agent = router.agent(a.agentId);
            const queue = queues.find((q) => q.name === it?.queue);
            expect(agent && missingSkills(agent, queue?.requiredSkills ?? {})).toEqual([]);
            ends.set(a.interactionId, clock.now() + 20_000 + Math.floor(random() * 60_000));
          }
        }
      }
      const load = new Map<string, number>();
      for (const it of Object.values(router.toJSON().interactions)) {
        const agentId = it.status === 'routed' ? it.agentId : it.offer?.agentId;
        if (agentId) load.set(agentId, (load.get(agentId) ?? 0) + 1);
      }
      for (const [agentId, n] of load) if (n > (capacity.get(agentId) ?? 0)) overloads.push(`${agentId}: ${n} at ${clock.now()}`);
    }
    expect(accepted.size).toBe(200);
    expect(overloads).toEqual([]);
  });
});
