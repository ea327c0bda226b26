import { GmsRestClient, until } from '@ocs/testing';
import { randomBytes } from 'node:crypto';
import { clusterFixture, realServers, type ServiceProcess } from './test/cluster';
import { RoutingReplicas, desk, offerFaults, ownersOf, type Desk, type DeskProfile } from './test/routing-desks';

const servers = realServers();
const AGENTS = 20;
const ROUNDS = 4;
const CHATS_PER_ROUND = 50;
/** The rounds during which the replica making the offers is SIGKILLed. */
const KILL_ROUNDS = [1, 3];

/** The two queues, the GMS service whose chats enter each, and the skills each requires. */
const QUEUES = {
  chat_inbound: { service: 'customer-support', requires: {} as Record<string, number> },
  chat_billing: { service: 'billing', requires: { billing: 5 } as Record<string, number> },
};
type Queue = keyof typeof QUEUES;

/**
 * Agent `i`: capacity 1 to 5 chats, a billing skill level from 0 to 10, serving the inbound queue, the billing
 * queue, or both. Some that serve the billing queue lack its level and must never be offered its chats.
 */
function profile(i: number): DeskProfile {
  const queues: Queue[][] = [['chat_inbound'], ['chat_billing'], ['chat_inbound', 'chat_billing'], ['chat_billing', 'chat_inbound']];
  return { capacity: 1 + (i % 5), skills: { billing: (i * 3) % 11 }, queues: queues[i % 4] };
}

function eligible(p: DeskProfile, queue: Queue): boolean {
  return p.queues.includes(queue) && Object.entries(QUEUES[queue].requires).every(([skill, level]) => (p.skills?.[skill] ?? 0) >= level);
}

(servers ? describe : describe.skip)('cluster: 200 chats through 20 agents of mixed capacity and skills, a routing replica SIGKILLed twice', () => {
  let gateway: ServiceProcess;
  let replicas: RoutingReplicas;
  const fixture = clusterFixture(
    servers,
    {
      OCS__routing__mode: 'builtin',
      OCS__kafka__name_prefix: `ocs_mix_${randomBytes(4).toString('hex')}.`,
      OCS__services__billing: '1:billing',
      OCS__endpoints_1__billing: 'chat_billing',
      OCS__queue_chat_billing__required_skills: 'billing:5',
      // Customers here do not poll while they wait: this test is about routing, not about customers who walk away.
      OCS__settings__flex_disconnect_timeout: '600',
    },
    async (cluster) => {
      await cluster.engine('n1');
      gateway = await cluster.gateway('g1');
      replicas = await RoutingReplicas.start(cluster, 2);
    },
  );

  it('routes every chat once, to an agent of its queue with the skill level, within capacity, across the kills', async () => {
    const desks: Desk[] = [];
    for (let i = 0; i < AGENTS; i++) {
      desks.push(await desk(gateway, `agent${String(i).padStart(2, '0')}`, profile(i), true));
      fixture.clients.push(desks[i].client);
    }

    const offersHeard = (): number => desks.reduce((n, d) => n + d.offers.size, 0);
    const queueOf = new Map<string, Queue>();
    const killedWithOpenOffers: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const heardBefore = offersHeard();
      await replicas.mark();
      // Half the round's chats enter each queue; the round goes on while earlier rounds' chats are still waiting.
      await Promise.all(
        Array.from({ length: CHATS_PER_ROUND }, async (_, i) => {
          const queue: Queue = i % 2 === 0 ? 'chat_inbound' : 'chat_billing';
          const customer = new GmsRestClient(gateway.url, QUEUES[queue].service);
          expect((await customer.requestChat({ nickname: `c${round}-${i}` })).body.statusCode).toBe(0);
          queueOf.set(customer.chatId, queue);
        }),
      );
      if (!KILL_ROUNDS.includes(round)) continue;
      await until(async () => offersHeard() > heardBefore || undefined, 'the round’s first offer', 30_000);
      killedWithOpenOffers.push(desks.reduce((n, d) => n + d.offers.size - d.routed.size, 0));
      expect(await replicas.killOfferer()).toBeGreaterThan(0);
    }

    const closed = (): number => desks.reduce((n, d) => n + d.closed + d.failures.length, 0);
    await until(async () => closed() >= queueOf.size || undefined, 'every chat routed and closed', 120_000);

    expect(desks.flatMap((d) => d.failures)).toEqual([]);
    expect(queueOf.size).toBe(ROUNDS * CHATS_PER_ROUND);
    // Every chat reached exactly one agent, once, and in the queue its service names.
    const owners = ownersOf(desks);
    expect([...owners.keys()].sort()).toEqual([...queueOf.keys()].sort());
    expect([...owners].filter(([, names]) => names.length !== 1)).toEqual([]);
    expect(desks.flatMap((d) => [...d.routed].filter(([session, queue]) => queueOf.get(session) !== queue))).toEqual([]);
    // Offers and chats went only to agents eligible for the queue, and never beyond an agent's capacity.
    const ineligible = desks.flatMap((d) =>
      [...[...d.offers.values()].map((o) => o.queue), ...d.routed.values()].filter((q) => !eligible(d.profile, q as Queue)).map((q) => `${d.name}: ${q}`),
    );
    expect(ineligible).toEqual([]);
    expect(desks.filter((d) => d.maxLoad > d.profile.capacity).map((d) => d.name)).toEqual([]);
    // The run did give agents several chats at once (how full they got depends on the machine's pace), and killed
    // replicas that had offers out.
    expect(desks.some((d) => d.maxLoad > 1)).toBe(true);
    expect(killedWithOpenOffers.some((n) => n > 0)).toBe(true);
    expect(offerFaults(desks)).toEqual({ repeated: [], unsettled: [] });
  }, 300_000);
});
