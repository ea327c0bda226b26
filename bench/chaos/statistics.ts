import { CassandraInteractionServer, type CassandraContext } from '@ocs/adapters-cassandra';
import { MemoryEventBus } from '@ocs/adapters-memory';
import { readSessionEvent, TOPICS, type SessionEventRecord } from '@ocs/contracts';
import { foldStatistics, type StatisticsState } from '@ocs/reporting-statistics';
import { Kafka, logLevel } from 'kafkajs';
import type { ChatRecord } from './records';

/** How long the check waits for the last statistics to come (the attacher may have been away at the end). */
const WAIT_MS = 60_000;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Every session-events record of the run, from the beginning, by session, in the order Kafka holds them. */
async function recordsBySession(brokers: string, prefix: string, sessions: readonly string[]): Promise<Map<string, SessionEventRecord[]>> {
  const kafka = new Kafka({ brokers: brokers.split(','), clientId: 'chaos-check', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(prefix + TOPICS.sessionEvents).finally(() => admin.disconnect());
  const left = new Map(ends.filter((p) => Number(p.high) > Number(p.low)).map((p) => [p.partition, Number(p.high)]));
  const bySession = new Map<string, SessionEventRecord[]>(sessions.map((s) => [s, []]));
  const consumer = kafka.consumer({ groupId: `${prefix}chaos-check` });
  await consumer.connect();
  await consumer.subscribe({ topics: [prefix + TOPICS.sessionEvents], fromBeginning: true });
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (done = resolve));
  if (left.size === 0) done();
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const read = readSessionEvent(JSON.parse(String(message.value)));
      if ('value' in read) bySession.get(read.value.sessionId)?.push(read.value);
      if (Number(message.offset) + 1 >= (left.get(partition) ?? 0)) left.delete(partition);
      if (left.size === 0) done();
    },
  });
  try {
    await Promise.race([all, sleep(WAIT_MS)]);
  } finally {
    await consumer.disconnect();
  }
  return bySession;
}

/** The statistics the calculator gives for a session's records, each folded once, in order. */
function expected(records: readonly SessionEventRecord[]): Record<string, string> {
  let state: StatisticsState | undefined;
  const attach: Record<string, string> = {};
  for (const record of records) {
    const outcome = foldStatistics(state, record, { attachSessionStatistics: 'all' });
    state = outcome.state;
    Object.assign(attach, outcome.attach);
  }
  return attach;
}

/**
 * Every chat closed by its script has its reporting statistics on its interaction, attached once: the interaction
 * (in the Cassandra store of the cluster) is offline with the statistics the calculator gives for the session's
 * records as Kafka holds them, and its count of customer messages is that of the stored transcript.
 */
export async function checkStatistics(
  cassandra: CassandraContext,
  kafka: { brokers: string; prefix: string },
  records: readonly ChatRecord[],
  customerMessages: (record: ChatRecord) => Promise<number>,
): Promise<{ attached: number; violations: string[] }> {
  const closed = records.filter((r) => r.sessionId && r.scriptClosedAt !== undefined);
  const bySession = await recordsBySession(
    kafka.brokers,
    kafka.prefix,
    closed.map((r) => r.sessionId),
  );
  const interactions = new CassandraInteractionServer(cassandra, new MemoryEventBus());
  const interactionOf = async (sessionId: string): Promise<string | undefined> =>
    (await cassandra.client.execute(`SELECT interaction_id FROM ${cassandra.keyspace}.interactions_by_session WHERE session_id = ?`, [sessionId]))
      .first()
      ?.get('interaction_id');
  const violations: string[] = [];
  let attached = 0;
  const deadline = Date.now() + WAIT_MS;
  for (const record of closed) {
    const chat = `chat ${record.index} (${record.sessionId})`;
    const want = expected(bySession.get(record.sessionId) ?? []);
    let properties: Record<string, string> | undefined;
    for (;;) {
      const interactionId = await interactionOf(record.sessionId);
      properties = interactionId ? (await interactions.get(interactionId))?.properties : undefined;
      if ((properties?.IsOnline === '0' && properties.ChatServerSessionClosedAt) || Date.now() > deadline) break;
      await sleep(1_000);
    }
    if (!properties) {
      violations.push(`${chat}: no interaction in the store`);
      continue;
    }
    if (!properties.ChatServerSessionClosedAt) {
      violations.push(`${chat}: no final reporting statistics on its interaction (IsOnline ${properties.IsOnline ?? 'absent'})`);
      continue;
    }
    if (!want.ChatServerSessionClosedAt) violations.push(`${chat}: Kafka holds no closed record of the session`);
    const wrong = Object.entries(want).filter(([key, value]) => properties[key] !== value);
    if (wrong.length > 0)
      violations.push(
        `${chat}: statistics differ from the session's records: ${wrong.map(([k, v]) => `${k} ${properties[k] ?? 'absent'} (records: ${v})`).join(', ')}`,
      );
    const sent = await customerMessages(record);
    if (properties.csg_MessagesFromCustomersCount !== String(sent))
      violations.push(`${chat}: csg_MessagesFromCustomersCount ${properties.csg_MessagesFromCustomersCount ?? 'absent'}, the transcript has ${sent}`);
    if (wrong.length === 0 && properties.csg_MessagesFromCustomersCount === String(sent)) attached += 1;
  }
  return { attached, violations };
}
