import type { RoutingServerEvent, ServerEvent } from '@ocs/agent-protocol';
import type { RoutingAgentMessage } from '@ocs/contracts';
import { AgentTestClient, GmsRestClient, scrapeMetric, until } from '@ocs/testing';
import { randomBytes } from 'node:crypto';
import { TestCluster, realServers, type ServiceProcess } from './test/cluster';
import { AGENT_TOKEN } from './test/product';

const servers = realServers();
const AGENTS = 4;
const CAPACITY = 5;
const ROUNDS = 2;
const CHATS_PER_ROUND = 8;

/** What one agent heard of routing: the offers (by id), and the chats routed to it (by session). */
interface Desk {
  name: string;
  client: AgentTestClient;
  offers: Map<string, string>;
  /** Sessions routed to this agent, and the interactions. */
  routed: Set<string>;
  routedIds: Set<string>;
  ended: string[];
}

/**
 * An agent that accepts every offer it has not seen yet, a little later (so a replica may die between the offer
 * and the accept), and drops an offer told again after another replica took over (same id).
 */
async function desk(gateway: ServiceProcess, name: string): Promise<Desk> {
  const client = await AgentTestClient.connect(`${gateway.url.replace(/^http/, 'ws')}/agent/ws`);
  const d: Desk = { name, client, offers: new Map(), routed: new Set(), routedIds: new Set(), ended: [] };
  await client.expect('registered', { type: 'register', token: AGENT_TOKEN, nickname: name, userType: 'AGENT' });
  client.ws.on('message', (data) => {
    const e = JSON.parse(data.toString()) as ServerEvent;
    if (e.type !== 'routing') return;
    const m = (e as RoutingServerEvent).event as RoutingAgentMessage;
    if (m.type === 'offer' && !d.offers.has(m.offerId)) {
      d.offers.set(m.offerId, m.interactionId);
      setTimeout(() => client.ws.send(JSON.stringify({ type: 'routingAccept', offerId: m.offerId })), Math.floor(Math.random() * 300));
    } else if (m.type === 'routed') {
      d.routed.add(m.sessionId);
      d.routedIds.add(m.interactionId);
    } else if (m.type === 'offer-ended' || m.type === 'returned') d.ended.push(m.interactionId);
  });
  const presence = await client.expect('routing', { type: 'routingLogin', capacity: { chat: CAPACITY }, queues: ['chat_inbound'], ready: true });
  expect(presence.event).toMatchObject({ type: 'presence', agent: { agentId: name, ready: true } });
  return d;
}

/** How many offers each replica has made so far (its routing metrics). */
function offersMade(replicas: readonly ServiceProcess[]): Promise<number[]> {
  const labels = { tenant: '1', queue: 'chat_inbound', outcome: 'offered' };
  return Promise.all(replicas.map((r) => scrapeMetric(r.url, 'ocs_routing_offers_total', labels)));
}

(servers ? describe : describe.skip)('cluster: a routing replica SIGKILLed mid-assignment loses and doubles no chat', () => {
  let cluster: TestCluster;
  const desks: Desk[] = [];

  beforeAll(async () => {
    cluster = new TestCluster(servers ?? { cassandra: '', kafka: '', redis: '' }, {
      OCS__routing__mode: 'builtin',
      OCS__kafka__name_prefix: `ocs_failover_${randomBytes(4).toString('hex')}.`,
    });
    await cluster.schema();
    await TestCluster.build();
  }, 360_000);

  afterAll(async () => {
    for (const d of desks) await d.client.close();
    await cluster.stop();
    await cluster.dropSchema();
  }, 60_000);

  it('offers every chat to exactly one agent while the replica making the offers is killed, round after round', async () => {
    await cluster.engine('n1');
    const gateway = await cluster.gateway('g1');
    const replicas = [await cluster.esp('x1'), await cluster.esp('x2')];
    for (let i = 0; i < AGENTS; i++) desks.push(await desk(gateway, `agent${i}`));

    const offersHeard = (): number => desks.reduce((n, d) => n + d.offers.size, 0);
    const sessions: string[] = [];
    const killedWithOpenOffers: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const heardBefore = offersHeard();
      const madeBefore = await offersMade(replicas);
      const customers = await Promise.all(
        Array.from({ length: CHATS_PER_ROUND }, async (_, i) => {
          const customer = new GmsRestClient(gateway.url);
          expect((await customer.requestChat({ nickname: `c${round}-${i}` })).body.statusCode).toBe(0);
          return customer.chatId;
        }),
      );
      sessions.push(...customers);
      // Mid-assignment: as soon as the round's first offers are out (most not yet accepted), the replica making them dies.
      await until(async () => offersHeard() > heardBefore || undefined, 'the round’s first offer', 30_000);
      // The victim is the replica making this round's offers (the one holding the tenant's partition).
      const made = (await offersMade(replicas)).map((n, i) => n - madeBefore[i]);
      const victim = replicas[made.indexOf(Math.max(...made))];
      const outstanding = desks.reduce((n, d) => n + d.offers.size - d.routed.size, 0);
      cluster.kill(victim);
      expect(Math.max(...made)).toBeGreaterThan(0);
      killedWithOpenOffers.push(outstanding);
      replicas.splice(replicas.indexOf(victim), 1);
      replicas.push(await cluster.esp(`x${round + 3}`));
    }

    await until(async () => desks.reduce((n, d) => n + d.routed.size, 0) >= sessions.length || undefined, 'every chat routed', 90_000);
    const owners = new Map<string, string[]>();
    for (const d of desks) for (const s of d.routed) owners.set(s, [...(owners.get(s) ?? []), d.name]);
    expect([...owners.keys()].sort()).toEqual([...sessions].sort());
    expect([...owners.values()].filter((names) => names.length !== 1)).toEqual([]);
    for (const d of desks) expect(d.routed.size).toBeLessThanOrEqual(CAPACITY);
    // An offer id is made to one agent only; an offer not accepted ended (and its chat went to someone).
    expect(killedWithOpenOffers.some((n) => n > 0)).toBe(true);
    const offerIds = desks.flatMap((d) => [...d.offers.keys()]);
    const unsettled = desks.flatMap((d) => [...d.offers].filter(([, id]) => !d.routedIds.has(id) && !d.ended.includes(id)).map(([offerId]) => offerId));
    expect(unsettled).toEqual([]);
    expect(new Set(offerIds).size).toBe(offerIds.length);
  }, 300_000);
});
