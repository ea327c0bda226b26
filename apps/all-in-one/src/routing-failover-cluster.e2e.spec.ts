import { GmsRestClient, until } from '@ocs/testing';
import { randomBytes } from 'node:crypto';
import { TestCluster, realServers } from './test/cluster';
import { RoutingReplicas, desk, offerFaults, ownersOf, type Desk } from './test/routing-desks';

const servers = realServers();
const AGENTS = 4;
const CAPACITY = 5;
const ROUNDS = 2;
const CHATS_PER_ROUND = 8;

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
    const replicas = await RoutingReplicas.start(cluster, 2);
    for (let i = 0; i < AGENTS; i++) desks.push(await desk(gateway, `agent${i}`, { capacity: CAPACITY, queues: ['chat_inbound'] }));

    const offersHeard = (): number => desks.reduce((n, d) => n + d.offers.size, 0);
    const sessions: string[] = [];
    const killedWithOpenOffers: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const heardBefore = offersHeard();
      await replicas.mark();
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
      killedWithOpenOffers.push(desks.reduce((n, d) => n + d.offers.size - d.routed.size, 0));
      expect(await replicas.killOfferer()).toBeGreaterThan(0);
    }

    await until(async () => desks.reduce((n, d) => n + d.routed.size, 0) >= sessions.length || undefined, 'every chat routed', 90_000);
    const owners = ownersOf(desks);
    expect([...owners.keys()].sort()).toEqual([...sessions].sort());
    expect([...owners.values()].filter((names) => names.length !== 1)).toEqual([]);
    for (const d of desks) expect(d.maxLoad).toBeLessThanOrEqual(CAPACITY);
    // An offer id is made to one agent only; an offer not accepted ended (and its chat went to someone).
    expect(killedWithOpenOffers.some((n) => n > 0)).toBe(true);
    expect(offerFaults(desks)).toEqual({ repeated: [], unsettled: [] });
  }, 300_000);
});
