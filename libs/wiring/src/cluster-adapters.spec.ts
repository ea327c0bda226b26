import { applySchema, connectCassandra } from '@ocs/adapters-cassandra';
import { loadConfig, type ChatServerConfig } from '@ocs/config';
import { EngineRpcServer } from '@ocs/engine-rpc';
import { bootstrapApp, createLogger } from '@ocs/observability';
import { type BusRecord } from '@ocs/ports';
import { TEST_CLUSTER_SECRETS, until } from '@ocs/testing';
import { Kafka, logLevel } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { SESSION_ENGINE_SERVICE, SessionEngineModule } from '@ocs/service-session-engine';
import { clusterAdapters, type ClusterParts } from './cluster-adapters';
import { followNodeCommands } from '@ocs/chat-engine';
import { wireSessionEngine } from './session-engine-parts';
import { TOPICS } from '@ocs/contracts';

const needed = { cassandra: process.env.OCS_TEST_CASSANDRA, kafka: process.env.OCS_TEST_KAFKA_BROKERS, redis: process.env.OCS_TEST_REDIS };
const missing = Object.entries(needed)
  .filter(([, v]) => !v)
  .map(([k]) => k);
if (missing.length > 0 && (process.env.CI || process.env.OCS_REQUIRE_SERVICES)) {
  throw new Error(`the cluster wiring tests need real servers: ${missing.join(', ')} not set (deploy/local/services.sh env)`);
}
const describeWithServers = missing.length > 0 ? describe.skip : describe;

const logger = createLogger({ service: 'test', level: 'silent' });
const INTERNAL = `Bearer ${TEST_CLUSTER_SECRETS['OCS__cluster__internal-secret']}`;
const keyspace = `ocs_test_${randomBytes(6).toString('hex')}`;

function config(nodeId: string, extra: Record<string, string> = {}): ChatServerConfig {
  const [host, port] = (needed.cassandra ?? '').split(':');
  return loadConfig({
    argv: [],
    env: {
      OCS__cluster__mode: 'cluster',
      ...TEST_CLUSTER_SECRETS,
      OCS__cluster__node_id: nodeId,
      OCS__cassandra__contact_points: host,
      OCS__cassandra__port: port,
      OCS__cassandra__keyspace: keyspace,
      OCS__cassandra__read_consistency: 'ONE',
      OCS__cassandra__write_consistency: 'ONE',
      OCS__kafka__brokers: needed.kafka ?? '',
      OCS__kafka__partitions: '3',
      // This run's own topics and groups: no record of an earlier run (or another cluster) reaches it.
      OCS__kafka__name_prefix: `${keyspace}.`,
      OCS__redis__url: needed.redis ?? '',
      OCS__redis__key_prefix: `${keyspace}:`,
      OCS__settings__transcript_auto_save: '1',
      OCS__settings__session_restoration_mode: 'simple',
      // About ownership and restoration, not about who may join: the agent joins by session id.
      OCS__settings__session_password_enforce: 'false',
      ...extra,
    },
  });
}

describeWithServers('session engine in cluster mode (real Cassandra, Kafka, Redis)', () => {
  const nodes: ClusterParts[] = [];

  beforeAll(async () => {
    const [host, port] = (needed.cassandra ?? '').split(':');
    const admin = await connectCassandra({ contactPoints: [host], port: Number(port), keyspace });
    await applySchema(admin.client, { keyspace, replication: { class: 'SimpleStrategy', replication_factor: 1 } });
    await admin.client.shutdown();
  }, 60_000);

  afterAll(async () => {
    for (const node of nodes) await node.close();
    const kafka = new Kafka({ clientId: 'ocs-test-admin', brokers: (needed.kafka ?? '').split(','), logLevel: logLevel.NOTHING }).admin();
    await kafka.connect();
    const topics = (await kafka.listTopics()).filter((name) => name.startsWith(`${keyspace}.`));
    if (topics.length > 0) await kafka.deleteTopics({ topics });
    await kafka.disconnect();
    const [host, port] = (needed.cassandra ?? '').split(':');
    const admin = await connectCassandra({ contactPoints: [host], port: Number(port), keyspace });
    await admin.client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    await admin.client.shutdown();
  }, 60_000);

  async function node(nodeId: string, extra?: Record<string, string>) {
    const cfg = config(nodeId, extra);
    const parts = await clusterAdapters(cfg, logger);
    nodes.push(parts);
    return { parts, ...wireSessionEngine(cfg, logger, parts.adapters, parts.wiring) };
  }

  it('saves each acknowledged change in Cassandra, claims ownership, publishes on Kafka, and announces itself in Redis', async () => {
    const a = await node('node-a');
    const records: BusRecord[] = [];
    const subscription = await a.parts.adapters.bus.subscribe(TOPICS.sessionEvents, `${keyspace}-watch`, (r) => void records.push(r));
    const { app, url } = await bootstrapApp(
      SessionEngineModule.forRoot(a.engine, a.tasks, {
        heartbeat: { membership: a.parts.membership, nodeId: 'node-a', url: 'http://127.0.0.1:1', intervalMs: 200, ttlMs: 2000 },
        storage: a.parts.cassandraHealth,
        rpc: new EngineRpcServer({ engine: a.engine, fanOut: a.parts.fanOut }),
        secret: TEST_CLUSTER_SECRETS['OCS__cluster__internal-secret'],
        close: async () => undefined,
      }),
      { service: SESSION_ENGINE_SERVICE, host: '127.0.0.1', port: 0, logger },
    );
    try {
      const { party } = await a.engine.createSession({ creator: { userType: 'CLIENT', nickname: 'Ann', protocol: 'FLEX', clientVersion: 106 } });
      await a.engine.message(party, { text: 'durable in Cassandra' });
      const saved = await a.parts.adapters.store.load(party.sessionId);
      expect(saved?.transcript.map((e) => e.kind)).toEqual(['newParty', 'message']);
      expect(await a.parts.wiring.ownership.store.owner(party.sessionId)).toMatchObject({ nodeId: 'node-a' });
      await until(async () => (records.filter((r) => r.key === party.sessionId).length >= 3 ? true : undefined), 'the records on Kafka');
      expect(records.filter((r) => r.key === party.sessionId).map((r) => (r.value as { type: string }).type)).toEqual(['created', 'event', 'event']);
      expect((await a.parts.membership.alive()).map((n) => n.nodeId)).toContain('node-a');
      expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^ocs_cassandra_available 1$/m);
      const rpc = (authorization?: string) =>
        fetch(`${url}/engine/rpc`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          body: JSON.stringify({ method: 'sessionInfo', args: [party.sessionId] }),
        });
      // The engine RPC and the drain endpoints answer only callers with the internal secret.
      expect((await rpc()).status).toBe(401);
      expect((await rpc('Bearer not-the-internal-secret')).status).toBe(403);
      for (const method of ['GET', 'POST']) expect((await fetch(`${url}/engine/drain`, { method })).status).toBe(401);
      expect(await (await rpc(INTERNAL)).json()).toMatchObject({ result: { sessionId: party.sessionId, nextPosition: 2, closed: false } });
      expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^ocs_engine_rpc_calls_total\{method="sessionInfo"\} 1$/m);
      const drained = await fetch(`${url}/engine/drain`, { method: 'POST', headers: { authorization: INTERNAL } });
      expect(await drained.json()).toEqual({ nodeId: 'node-a', draining: true, sessions: 1 });
      expect((await a.parts.membership.alive()).find((n) => n.nodeId === 'node-a')).toMatchObject({ draining: true, sessions: 1 });
      expect(await (await fetch(`${url}/engine/drain`, { headers: { authorization: INTERNAL } })).json()).toMatchObject({ draining: true });
    } finally {
      await subscription.close();
      await app.close();
    }
    expect((await a.parts.membership.alive()).map((n) => n.nodeId)).not.toContain('node-a');
  }, 60_000);

  it('restores on another node the session of a node that is gone, from Cassandra, with exactly one owner', async () => {
    const a = await node('node-c');
    const b = await node('node-d');
    await a.parts.membership.heartbeat({ nodeId: 'node-c', url: 'http://127.0.0.1:1', draining: false, limited: false, sessions: 0 }, 60_000);
    await b.parts.membership.heartbeat({ nodeId: 'node-d', url: 'http://127.0.0.1:2', draining: false, limited: false, sessions: 0 }, 60_000);
    const customer = await a.engine.createSession({ creator: { userType: 'CLIENT', nickname: 'Ann', protocol: 'FLEX', clientVersion: 106 } });
    const agent = await a.engine.join(customer.party.sessionId, { userType: 'AGENT', nickname: 'Bob', protocol: 'BASIC', clientVersion: 106 });
    await a.engine.message(agent.party, { text: 'acknowledged before the crash' });
    await expect(b.engine.read(customer.party, 0)).rejects.toMatchObject({ code: 'NOT_OWNER' });

    await a.parts.membership.leave('node-c');
    const view = await b.engine.read(customer.party, 0);
    expect(view.events.map((e) => (e.event.kind === 'message' ? e.event.text : e.event.kind))).toEqual([
      'newParty',
      'newParty',
      'acknowledged before the crash',
      'partyLeft',
    ]);
    expect(view.events.at(-1)?.event).toMatchObject({ quitReasonCode: '8', userId: agent.party.userId });
    expect(await b.parts.wiring.ownership.store.owner(customer.party.sessionId)).toMatchObject({ nodeId: 'node-d' });
    await b.engine.message(customer.party, { text: 'after the restore' });
    expect((await b.parts.adapters.store.load(customer.party.sessionId))?.transcript.map((e) => e.position)).toEqual([0, 1, 2, 3, 4]);
    await expect(a.engine.message(customer.party, { text: 'from the old owner' })).rejects.toMatchObject({ code: 'NOT_OWNER' });
  }, 60_000);

  it('two nodes racing to restore a dead node’s session end with exactly one owner, the other answering NOT_OWNER', async () => {
    const a = await node('node-g');
    const [b, c] = [await node('node-h'), await node('node-i')];
    for (const [n, id] of [
      [b, 'node-h'],
      [c, 'node-i'],
    ] as const)
      await n.parts.membership.heartbeat({ nodeId: id, url: 'http://127.0.0.1:3', draining: false, limited: false, sessions: 0 }, 60_000);
    const customer = await a.engine.createSession({ creator: { userType: 'CLIENT', nickname: 'Ann', protocol: 'FLEX', clientVersion: 106 } });
    await a.engine.message(customer.party, { text: 'before the race' });
    const outcomes = await Promise.allSettled([b.engine.read(customer.party, 0), c.engine.read(customer.party, 0)]);
    const owner = (await b.parts.wiring.ownership.store.owner(customer.party.sessionId))?.nodeId;
    expect(['node-h', 'node-i']).toContain(owner);
    const [winner, loser] = owner === 'node-h' ? [b, c] : [c, b];
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: { code: 'NOT_OWNER' } });
    await winner.engine.message(customer.party, { text: 'after the race' });
    await expect(loser.engine.message(customer.party, { text: 'from the loser' })).rejects.toMatchObject({ code: 'NOT_OWNER' });
    const texts = (await winner.parts.adapters.store.load(customer.party.sessionId))?.transcript.flatMap((e) => (e.kind === 'message' ? [e.text] : []));
    expect(texts).toEqual(['before the race', 'after the race']);
  }, 60_000);

  it('session-restore-do-purge: the previous owner, cut off but running, drops its copy when asked over Kafka', async () => {
    const purge = { OCS__settings__session_restore_do_purge: 'true' };
    const a = await node('node-e', purge);
    const b = await node('node-f', purge);
    const commands = await Promise.all([
      followNodeCommands(a.engine, a.parts.adapters.bus, 'node-e', (problem) => logger.error({ problem }, 'malformed node command')),
      followNodeCommands(b.engine, b.parts.adapters.bus, 'node-f', (problem) => logger.error({ problem }, 'malformed node command')),
    ]);
    try {
      await b.parts.membership.heartbeat({ nodeId: 'node-f', url: 'http://127.0.0.1:2', draining: false, limited: false, sessions: 0 }, 60_000);
      const customer = await a.engine.createSession({ creator: { userType: 'CLIENT', nickname: 'Ann', protocol: 'FLEX', clientVersion: 106 } });
      expect(await a.engine.findParty(customer.party.secureKey)).toBeDefined();
      // node-e never heartbeats: to the others it is gone, though it still holds the session.
      await b.engine.read(customer.party, 0);
      await until(
        async () => ((await a.engine.findParty(customer.party.secureKey)) === undefined ? true : undefined),
        'the purge on the previous owner',
        30_000,
      );
      expect(await b.engine.findParty(customer.party.secureKey)).toMatchObject({ sessionId: customer.party.sessionId });
    } finally {
      await Promise.all(commands.map((c) => c.close()));
    }
  }, 60_000);
});
