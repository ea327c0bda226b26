import { randomUUID } from 'node:crypto';
import { KafkaEventBus } from '@ocs/adapters-kafka';
import { MemoryEventBus } from '@ocs/adapters-memory';
import { UnknownInteractionError, type BusRecord, type EventBus, type InteractionProperties, type SubmitRequest } from '@ocs/ports';
import { eventually, interactionServerContract } from '@ocs/testing';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { CassandraContext } from './cassandra-options';
import { CassandraInteractionServer, type CassandraInteractionServerOptions } from './cassandra-interaction-server';
import { anotherNode, racing, withTestKeyspace } from './test/real-cassandra';
import { TOPICS } from '@ocs/contracts';

const KAFKA = 'OCS_TEST_KAFKA_BROKERS';
const brokers = (process.env[KAFKA] ?? '').split(',').filter(Boolean);
if (brokers.length === 0 && (process.env.CI || process.env.OCS_REQUIRE_SERVICES)) {
  throw new Error(`${KAFKA} is not set: the Kafka half of this suite must run against a real broker here (CI or OCS_REQUIRE_SERVICES is set)`);
}
const describeOnKafka = brokers.length > 0 ? describe : describe.skip;

/** Joining a consumer group takes seconds on a small machine. */
const WAIT_MS = 30_000;
jest.setTimeout(90_000);

function request(sessionId: string, properties: InteractionProperties = { IsOnline: '1' }): SubmitRequest {
  return { tenantDbid: 101, queue: 'chat-inbound', mediaType: 'chat', sessionId, properties };
}

/** The contract's stopExternally: resolves once the server's onStopped handlers have been called for the stop. */
function stopAndWait(server: CassandraInteractionServer): (interactionId: string) => Promise<void> {
  const heard = new Set<string>();
  let listening = false;
  return async (interactionId) => {
    // Registered after the test's handlers: all of them are called, in order, before this one hears of the stop.
    if (!listening) server.onStopped((id) => void heard.add(id));
    listening = true;
    await server.stopExternally(interactionId);
    await eventually(() => heard.has(interactionId), WAIT_MS);
  };
}

/** `bus` with the interaction events on `topic`, so that a fixture hears only its own stops. */
function onTopic(bus: EventBus, topic: string): EventBus {
  return {
    publish: (records) => bus.publish(records.map((record) => ({ ...record, topic }))),
    subscribe: (_topic, group, handler) => bus.subscribe(topic, group, handler),
  };
}

/** What a test node runs on: by default the test keyspace's connection and a memory bus of its own. */
type NodeOptions = CassandraInteractionServerOptions & { bus?: EventBus; context?: CassandraContext };

withTestKeyspace('CassandraInteractionServer on a real Cassandra, the bus in memory', undefined, (cassandra) => {
  const node = ({ bus = new MemoryEventBus(), context = cassandra(), ...options }: NodeOptions = {}): CassandraInteractionServer =>
    new CassandraInteractionServer(context, bus, options);

  interactionServerContract('cassandra, memory bus', async () => {
    const server = node();
    return { server, stopExternally: stopAndWait(server), close: () => server.close() };
  });

  describe('shared by nodes', () => {
    let other: CassandraContext;
    beforeAll(async () => (other = await anotherNode(cassandra())));
    afterAll(() => other.client.shutdown());

    it('lets every node see, submit again, update and stop the same interaction', async () => {
      const [a, b] = [node(), node({ context: other })];
      const { interactionId } = await a.submit(request('S-nodes-1'));
      expect(await b.get(interactionId)).toMatchObject({ sessionId: 'S-nodes-1', properties: { IsOnline: '1' }, state: 'queued' });
      expect(await b.submit(request('S-nodes-1'))).toEqual({ interactionId });
      await b.updateProperties(interactionId, { IsOnline: '0' });
      await b.stop(interactionId, 'abandoned');
      expect(await a.get(interactionId)).toMatchObject({ properties: { IsOnline: '0' }, state: 'stopped' });
    });

    it('ends submits of one session racing on two nodes with one interaction, the losers’ rows deleted', async () => {
      const count = 6;
      const contexts = racing([cassandra(), other], (query) => query.includes('IF NOT EXISTS'), count);
      const submits = Array.from({ length: count }, (_, i) => node({ context: contexts[i % 2] }).submit(request('S-race-1', { Try: String(i) })));
      const answers = await Promise.all(submits);
      const ids = new Set(answers.map(({ interactionId }) => interactionId));
      expect(ids.size).toBe(1);
      const { client, keyspace } = cassandra();
      const { rows } = await client.execute(`SELECT id FROM ${keyspace}.interactions WHERE session_id = 'S-race-1' ALLOW FILTERING`);
      expect(rows.map((row) => row.get('id'))).toEqual([...ids]);
    });

    it('tells one node of each stop by routing when the nodes share the consumer group, and every group', async () => {
      const bus = new MemoryEventBus();
      const heard: string[][] = [[], [], []];
      const [a, b, watcher] = [node({ bus }), node({ bus, context: other }), node({ bus, group: 'another-group' })];
      [a, b, watcher].forEach((server, i) => server.onStopped((id) => void heard[i].push(id)));
      const ids = [(await a.submit(request('S-one-1'))).interactionId, (await a.submit(request('S-one-2'))).interactionId];
      for (const id of ids) await b.stopExternally(id);
      await bus.idle();
      expect([...heard[0], ...heard[1]].sort()).toEqual([...ids].sort());
      expect(heard[2]).toEqual(ids);
    });
  });

  it('publishes a stop by routing keyed by interaction id, once; a failing handler is reported and the others still run', async () => {
    const bus = new MemoryEventBus();
    const records: BusRecord[] = [];
    await bus.subscribe(TOPICS.interactionEvents, 'observer', (record) => void records.push(record));
    const onError = jest.fn();
    const server = node({ bus, onError });
    const failure = new Error('handler failure');
    server.onStopped(() => {
      throw failure;
    });
    const heard = jest.fn();
    server.onStopped(heard);
    const { interactionId } = await server.submit(request('S-publish-1'));
    await server.stopExternally(interactionId);
    await server.stopExternally(interactionId);
    await bus.idle();
    expect(records).toEqual([expect.objectContaining({ topic: TOPICS.interactionEvents, key: interactionId, value: { type: 'stopped', interactionId } })]);
    expect(heard.mock.calls).toEqual([[interactionId]]);
    expect(onError.mock.calls).toEqual([[failure, interactionId]]);
  });

  it('skips a malformed stop record, reporting it, and goes on with the next', async () => {
    const bus = new MemoryEventBus();
    const onError = jest.fn();
    const server = node({ bus, onError });
    const heard = jest.fn();
    server.onStopped(heard);
    const { interactionId } = await server.submit(request('S-malformed-1'));
    await bus.publish([{ topic: TOPICS.interactionEvents, key: 'IXN-X', value: { type: 'stopped', interaction: 'IXN-X' } }]);
    await server.stopExternally(interactionId);
    await bus.idle();
    expect(heard.mock.calls).toEqual([[interactionId]]);
    expect(onError.mock.calls).toEqual([
      [expect.objectContaining({ message: expect.stringMatching(/malformed ocs.interaction.events.v1 record skipped: .*interactionId/) }), 'IXN-X'],
    ]);
  });

  it('refuses to stop an unknown interaction, either way', async () => {
    const server = node();
    await expect(server.stopExternally('0000000000000000')).rejects.toThrow(UnknownInteractionError);
    await expect(server.stop('0000000000000000', 'abandoned')).rejects.toThrow('0000000000000000');
  });

  it('reports a subscription that could not start, and still closes', async () => {
    const failure = new Error('no such topic');
    const onError = jest.fn();
    const server = node({ bus: { publish: async () => undefined, subscribe: async () => Promise.reject(failure) }, onError });
    server.onStopped(() => undefined);
    await server.close();
    expect(onError.mock.calls).toEqual([[failure]]);
  });

  it('keeps an interaction submitted without properties', async () => {
    const server = node();
    const { interactionId } = await server.submit(request('S-empty-1', {}));
    expect((await server.get(interactionId))?.properties).toEqual({});
  });
});

withTestKeyspace('CassandraInteractionServer on a real Cassandra, the bus on a real Kafka', undefined, (cassandra) => {
  describeOnKafka(brokers.length > 0 ? `Kafka at ${brokers.join(',')}` : `real-broker contract NOT RUN (${KAFKA} is not set)`, () => {
    const topics: string[] = [];
    let bus: KafkaEventBus;
    let admin: Admin;

    beforeAll(async () => {
      admin = new Kafka({ clientId: 'ocs-test-admin', brokers, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      bus = await KafkaEventBus.connect({
        brokers,
        clientId: 'ocs-test',
        partitions: 1,
        replicationFactor: 1,
        onError: () => undefined,
        consumer: { heartbeatInterval: 300, maxWaitTimeInMs: 500 },
      });
    });
    afterAll(async () => {
      await bus.close();
      await admin.deleteTopics({ topics });
      await admin.disconnect();
    });

    interactionServerContract('cassandra, kafka bus', async () => {
      const topic = `ocs.test.${randomUUID()}`;
      topics.push(topic);
      await bus.ensureTopics([topic]);
      const server = new CassandraInteractionServer(cassandra(), onTopic(bus, topic), { group: `${topic}.stops` });
      return { server, stopExternally: stopAndWait(server), close: () => server.close() };
    });
  });
});
