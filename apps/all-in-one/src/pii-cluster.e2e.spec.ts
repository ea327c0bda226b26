import { TOPICS } from '@ocs/contracts';
import { GmsRestClient, until } from '@ocs/testing';
import { Kafka, logLevel } from 'kafkajs';
import { agentJoins, clusterFixture, realServers, type ServiceProcess } from './test/cluster';

const servers = realServers();
const CARD = '4111 1111 1111 1111';
const SSN = '123-45-6789';
const PHONE = '212-555-0123';
// The card's first two groups, not '4111' alone: a random hex id or digest may hold those four digits.
const CLEAR = ['4111 1111', SSN, PHONE];

/**
 * Planted PII in a cluster run (separate processes on real Cassandra, Kafka and Redis), masking `always`: afterwards
 * no process's log output (at debug, texts and transcripts printed in full), no Kafka record of the run, no Cassandra
 * row and not the UCS transcript holds the clear values, and the masked ones are there.
 */
(servers ? describe : describe.skip)('planted PII in a cluster run', () => {
  const prefix = `pii${Date.now().toString(36)}.`;
  let processes: ServiceProcess[] = [];
  const fixture = clusterFixture(
    servers,
    {
      'OCS__transcript-cleanup__apply-area': 'always',
      OCS__log__level: 'debug',
      'OCS__settings__message-log-print-size': '7000',
      'OCS__log-filter-data__Transcript': 'copy',
      OCS__kafka__name_prefix: prefix,
    },
    async (cluster) => void (processes = [await cluster.engine('e1'), await cluster.engine('e2'), await cluster.gateway('g1'), await cluster.esp('x1')]),
  );

  it('logs, Kafka records, Cassandra rows and the UCS transcript hold only masked values', async () => {
    const { cassandra, cluster } = fixture;
    const gateway = processes[2];
    const ann = new GmsRestClient(gateway.url);
    expect((await ann.requestChat({ nickname: 'Ann' })).body.statusCode).toBe(0);
    const agent = await agentJoins(fixture, gateway, ann.chatId, 'Bob');
    expect((await ann.op('send', { message: `card ${CARD} ssn ${SSN} phone ${PHONE}` })).body.statusCode).toBe(0);
    const seen = await agent.pushed(ann.chatId, (e) => e.kind === 'message', 'the planted message');
    expect(seen.events.find((e) => e.kind === 'message')?.text).toBe('card **** **** **** **** ssn ***-**-**** phone ***-***-****');
    await agent.expect('ack', { type: 'releaseParty', sessionId: ann.chatId, afterAction: 'FORCE_CLOSE' });

    // The UCS transcript, saved by the bridge when the session closed.
    const ucsRows = await until(
      async () => {
        const rows = (await cassandra.client.execute(`SELECT * FROM ${cluster.keyspace}.ucs_interactions`)).rows;
        return rows.some((r) => JSON.stringify(r).includes('chatTranscript')) ? rows : undefined;
      },
      'the UCS transcript',
      30_000,
    ).catch(() => undefined);

    // Every row of every table of the run's keyspace.
    const tables = (
      await cassandra.client.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [cluster.keyspace], { prepare: true })
    ).rows;
    const rows: string[] = [];
    for (const { table_name: table } of tables) {
      for (const row of (await cassandra.client.execute(`SELECT * FROM ${cluster.keyspace}.${String(table)}`)).rows) rows.push(JSON.stringify(row));
    }
    const allRows = rows.join('\n');
    expect(allRows).toContain('card **** **** **** **** ssn ***-**-**** phone ***-***-****');
    expect(allRows).toContain('chatTranscript');
    for (const clear of CLEAR) expect(allRows).not.toContain(clear);
    expect(ucsRows ?? []).not.toHaveLength(0);

    // Every Kafka record of the run (its own topic prefix), read from the beginning.
    const kafka = new Kafka({ brokers: (servers?.kafka ?? '').split(','), clientId: 'pii-check', logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    await admin.disconnect();
    expect(topics).toContain(`${prefix}${TOPICS.sessionEvents}`);
    const consumer = kafka.consumer({ groupId: `${prefix}pii-check` });
    const records: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void records.push(message.value?.toString() ?? '') });
    try {
      await until(async () => (records.some((r) => r.includes(ann.chatId) && r.includes('"closed"')) ? true : undefined), 'the Kafka records', 60_000);
    } finally {
      await consumer.disconnect();
    }
    const allRecords = records.join('\n');
    expect(allRecords).toContain('card **** **** **** ****');
    for (const clear of CLEAR) expect(allRecords).not.toContain(clear);

    // Every process's log output, at debug with texts and transcripts printed in full.
    await until(
      async () => (processes.some((p) => p.output.join('').includes('transcript saved to UCS')) ? true : undefined),
      'the transcript log line',
      30_000,
    );
    const logs = processes.map((p) => p.output.join('')).join('\n');
    expect(logs).toContain('card **** **** **** ****');
    for (const clear of CLEAR) expect(logs).not.toContain(clear);
  }, 180_000);
});
