import { CassandraInteractionServer } from '@ocs/adapters-cassandra';
import { MemoryEventBus } from '@ocs/adapters-memory';
import { readSessionEvent, TOPICS, type SessionEventRecord } from '@ocs/contracts';
import { foldStatistics, type StatisticsOptions, type StatisticsState } from '@ocs/reporting-statistics';
import { GmsRestClient, until } from '@ocs/testing';
import { Kafka, logLevel } from 'kafkajs';
import { agentJoins, clusterFixture, realServers, type ServiceProcess } from './test/cluster';

const servers = realServers();
/** Sessions run one after the other: the attacher is killed after the first third and started again after the second. */
const SESSIONS = 9;
const OPTIONS: StatisticsOptions = { attachSessionStatistics: 'all' };

/**
 * The reporting-attacher as a process of its own on real Kafka, Cassandra and Redis, SIGKILLed in the middle of a run
 * of sessions and started again: every session's interaction ends with the statistics the calculator gives for the
 * session's records as Kafka holds them (so nothing folded twice or missed), and offline only after them.
 */
(servers ? describe : describe.skip)('reporting statistics in a cluster whose attacher is killed', () => {
  const prefix = `stats${Date.now().toString(36)}.`;
  let engine: ServiceProcess;
  let gateway: ServiceProcess;
  let attacher: ServiceProcess;
  const fixture = clusterFixture(
    servers,
    // The bridge waits for the statistics longer than the attacher is away.
    { 'OCS__settings__attach-session-statistics': 'all', 'OCS__settings__statistics-close-wait': '60000', OCS__kafka__name_prefix: prefix },
    async (cluster) => {
      engine = await cluster.engine('e1');
      gateway = await cluster.gateway('g1');
      attacher = await cluster.attacher('a1');
    },
  );

  async function session(i: number): Promise<string> {
    const ann = new GmsRestClient(gateway.url);
    expect((await ann.requestChat({ nickname: `Customer ${i}` })).body.statusCode).toBe(0);
    const agent = await agentJoins(fixture, gateway, ann.chatId, `Agent ${i}`);
    expect((await ann.op('send', { message: `question ${i}` })).body.statusCode).toBe(0);
    await agent.expect('ack', { type: 'message', sessionId: ann.chatId, text: `answer ${i}` });
    expect((await ann.op('send', { message: `thanks ${i}` })).body.statusCode).toBe(0);
    await agent.expect('ack', { type: 'releaseParty', sessionId: ann.chatId, afterAction: 'FORCE_CLOSE' });
    return ann.chatId;
  }

  /** Every session-events record of the run, from the beginning, by session, in order. */
  async function recordsBySession(sessions: readonly string[]): Promise<Map<string, SessionEventRecord[]>> {
    const kafka = new Kafka({ brokers: (servers?.kafka ?? '').split(','), clientId: 'stats-check', logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `${prefix}stats-check` });
    const bySession = new Map<string, SessionEventRecord[]>(sessions.map((s) => [s, []]));
    await consumer.connect();
    await consumer.subscribe({ topics: [prefix + TOPICS.sessionEvents], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const read = readSessionEvent(JSON.parse(String(message.value)));
        if ('value' in read) bySession.get(read.value.sessionId)?.push(read.value);
      },
    });
    try {
      await until(async () => ([...bySession.values()].every((records) => records.some((r) => r.type === 'closed')) ? true : undefined), 'every closed record');
    } finally {
      await consumer.disconnect();
    }
    return bySession;
  }

  it('attaches every session statistics, correct and once, across a SIGKILL of the attacher', async () => {
    const { cluster } = fixture;
    try {
      await run();
    } catch (error) {
      // What the processes said, to tell a slow attacher from a stuck bridge.
      for (const p of cluster.processes) process.stderr.write(`--- ${p.name}\n${p.output.join('').slice(-3000)}\n`);
      throw error;
    }
  }, 420_000);

  async function run(): Promise<void> {
    const { cluster, cassandra } = fixture;
    const sessions: string[] = [];
    for (let i = 0; i < SESSIONS / 3; i++) sessions.push(await session(i));
    cluster.kill(attacher);
    for (let i = SESSIONS / 3; i < (2 * SESSIONS) / 3; i++) sessions.push(await session(i));
    attacher = await cluster.attacher('a2');
    for (let i = (2 * SESSIONS) / 3; i < SESSIONS; i++) sessions.push(await session(i));

    const interactions = new CassandraInteractionServer(cassandra, new MemoryEventBus());
    const interactionOf = async (sessionId: string): Promise<string | undefined> =>
      (await cassandra.client.execute(`SELECT interaction_id FROM ${cluster.keyspace}.interactions_by_session WHERE session_id = ?`, [sessionId]))
        .first()
        ?.get('interaction_id');
    const records = await recordsBySession(sessions);
    for (const sessionId of sessions) {
      const interactionId = await until(() => interactionOf(sessionId), `the interaction of ${sessionId}`, 150_000);
      const properties = await until(
        async () => {
          const found = (await interactions.get(interactionId))?.properties;
          return found?.IsOnline === '0' ? found : undefined;
        },
        `the interaction of ${sessionId} offline`,
        150_000,
      );
      // What the calculator makes of the session's records, folded once each in order.
      let state: StatisticsState | undefined;
      const expected: Record<string, string> = {};
      for (const record of records.get(sessionId) ?? []) {
        const outcome = foldStatistics(state, record, OPTIONS);
        state = outcome.state;
        Object.assign(expected, outcome.attach);
      }
      expect(expected.ChatServerSessionClosedAt).toBeDefined();
      expect(properties).toMatchObject(expected);
      // Hand-checked: two customer messages, one agent message, one agent, the agent closed the session.
      expect(properties).toMatchObject({
        csg_ChatSessionID: sessionId,
        csg_MessagesFromCustomersCount: '2',
        csg_MessagesFromAgentsCount: '1',
        csg_PartiesAsAgentCount: '1',
      });
    }
    const metrics = await (await fetch(`${attacher.url}/metrics`)).text();
    expect(metrics).toMatch(/ocs_reporting_failures_total 0\b/);
    expect(metrics).toMatch(/ocs_reporting_statistics_attached_total\{kind="final"\} [1-9]/);
    expect(engine.child.exitCode).toBeNull();
  }
});
