import { randomUUID } from 'node:crypto';
import type { BusMetrics, BusRecord } from '@ocs/ports';
import { eventBusContract, eventually, until } from '@ocs/testing';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { KafkaEventBus, type KafkaClientLogger, type KafkaEventBusOptions } from './kafka-event-bus';

const VARIABLE = 'OCS_TEST_KAFKA_BROKERS';
const brokers = (process.env[VARIABLE] ?? '').split(',').filter(Boolean);
if (brokers.length === 0 && (process.env.CI || process.env.OCS_REQUIRE_SERVICES)) {
  throw new Error(`${VARIABLE} is not set: the Kafka EventBus suite must run against a real broker here (CI or OCS_REQUIRE_SERVICES is set)`);
}

/** Joins, rebalances and closes take several seconds on a small machine. */
const WAIT_MS = 30_000;
jest.setTimeout(90_000);

const describeOnBroker = brokers.length > 0 ? describe : describe.skip;

describeOnBroker(brokers.length > 0 ? `KafkaEventBus on ${brokers.join(',')}` : `KafkaEventBus: real-broker suite NOT RUN (${VARIABLE} is not set)`, () => {
  const topics: string[] = [];
  let admin: Admin;

  beforeAll(async () => {
    admin = new Kafka({ clientId: 'ocs-test-admin', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics });
    await admin.disconnect();
  });

  const newTopic = (): string => {
    const topic = `ocs.test.${randomUUID()}`;
    topics.push(topic);
    return topic;
  };
  const connect = (options: Partial<KafkaEventBusOptions> = {}): Promise<KafkaEventBus> =>
    KafkaEventBus.connect({
      brokers,
      clientId: 'ocs-test',
      partitions: 3,
      replicationFactor: 1,
      onError: () => undefined,
      // Members notice a rebalance within a second rather than kafkajs's default several.
      consumer: { heartbeatInterval: 300, maxWaitTimeInMs: 500 },
      ...options,
    });

  eventBusContract('kafka', async () => {
    const bus = await connect();
    const topic = newTopic();
    await bus.ensureTopics([topic]);
    return { bus, topic, close: () => bus.close() };
  });

  describe('KafkaEventBus', () => {
    let bus: KafkaEventBus;
    let topic: string;
    let group: string;
    const errors: [string, unknown][] = [];

    beforeEach(async () => {
      errors.length = 0;
      bus = await connect({ onError: (g, error) => void errors.push([g, error]) });
      topic = newTopic();
      group = `${topic}.group`;
      await bus.ensureTopics([topic]);
    });
    afterEach(async () => {
      await bus.close();
    });

    const records = (count: number, keys: number, from = 0): BusRecord[] =>
      Array.from({ length: count }, (_, i) => ({ topic, key: `session-${(from + i) % keys}`, value: { n: from + i } }));

    it('creates the topics that are missing with the given partition count, and leaves the others', async () => {
      const other = newTopic();
      await bus.ensureTopics([topic, other], 1);
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: [topic, other] });
      const partitions = Object.fromEntries(metadata.map((t) => [t.name, t.partitions.length]));
      expect(partitions).toEqual({ [topic]: 3, [other]: 1 });
    });

    it('delivers to a new group what was published before it first joined', async () => {
      await bus.publish(records(5, 2));
      const got: unknown[] = [];
      const sub = await bus.subscribe(topic, group, (r) => void got.push(r.value));
      await eventually(() => got.length === 5, WAIT_MS);
      expect(got).toEqual(expect.arrayContaining(records(5, 2).map((r) => r.value)));
      await sub.close();
    });

    it('keeps the order of each key over 200 records of successive publish calls, across the members of a group', async () => {
      const got: BusRecord[] = [];
      const subs = [await bus.subscribe(topic, group, (r) => void got.push(r)), await bus.subscribe(topic, group, (r) => void got.push(r))];
      for (let from = 0; from < 200; from += 25) await bus.publish(records(25, 7, from));
      await eventually(() => got.length === 200, WAIT_MS);
      const sent = records(200, 7);
      for (let k = 0; k < 7; k += 1) {
        const ofKey = (list: BusRecord[]): unknown[] => list.filter((r) => r.key === `session-${k}`).map((r) => r.value);
        expect(ofKey(got)).toEqual(ofKey(sent));
      }
      for (const sub of subs) await sub.close();
    });

    it('gives a group that joins later every record, whatever another group committed', async () => {
      const early: unknown[] = [];
      const late: unknown[] = [];
      const first = await bus.subscribe(topic, `${group}-early`, (r) => void early.push(r.value));
      await bus.publish(records(20, 3));
      await eventually(() => early.length === 20, WAIT_MS);
      const second = await bus.subscribe(topic, `${group}-late`, (r) => void late.push(r.value));
      await eventually(() => late.length === 20, WAIT_MS);
      expect(late).toEqual(expect.arrayContaining(early));
      await first.close();
      await second.close();
    });

    it("reports a group's lag per partition: every record before it consumed, none once its commits caught up", async () => {
      await bus.publish(records(9, 3));
      const total = async () => (await bus.lag(topic, group)).reduce((sum, p) => sum + p.lag, 0);
      expect((await bus.lag(topic, group)).map((p) => p.partition).sort()).toEqual([0, 1, 2]);
      expect(await total()).toBe(9);
      const sub = await bus.subscribe(topic, group, () => undefined);
      await until(async () => ((await total()) === 0 ? true : undefined), 'the lag back to 0', WAIT_MS);
      await sub.close();
    });

    it('delivers a record again when its member stopped before its handler settled (at least once)', async () => {
      const stuck: unknown[] = [];
      const crashing = await bus.subscribe(topic, group, (r) => {
        stuck.push(r.value);
        return new Promise<void>(() => undefined);
      });
      await bus.publish([
        { topic, key: 'session', value: 'first' },
        { topic, key: 'session', value: 'second' },
      ]);
      await eventually(() => stuck.length === 1, WAIT_MS);
      await crashing.close();
      const got: unknown[] = [];
      const next = await bus.subscribe(topic, group, (r) => void got.push(r.value));
      await eventually(() => got.length === 2, WAIT_MS);
      expect({ stuck, got }).toEqual({ stuck: ['first'], got: ['first', 'second'] });
      await next.close();
    });

    it('commits past a taken record only once it and every earlier record of its partition are handled', async () => {
      const taken: unknown[] = [];
      let finishSecond!: () => void;
      const first = await bus.subscribe(topic, group, (r) => {
        taken.push(r.value);
        if (r.value === 'first') return { handled: new Promise<void>(() => undefined) };
        if (r.value === 'second') return { handled: new Promise<void>((resolve) => (finishSecond = resolve)) };
      });
      await bus.publish(['first', 'second', 'third'].map((value) => ({ topic, key: 'session', value })));
      await eventually(() => taken.length === 3, WAIT_MS);
      finishSecond();
      await first.close();
      const again: unknown[] = [];
      const second = await bus.subscribe(topic, group, (r) => {
        again.push(r.value);
        return { handled: Promise.resolve() };
      });
      await eventually(() => again.length === 3, WAIT_MS);
      await second.close();
      const third: unknown[] = [];
      const last = await bus.subscribe(topic, group, (r) => void third.push(r.value));
      await bus.publish([{ topic, key: 'session', value: 'fourth' }]);
      await eventually(() => third.length > 0, WAIT_MS);
      expect({ taken, again, third }).toEqual({ taken: ['first', 'second', 'third'], again: ['first', 'second', 'third'], third: ['fourth'] });
      await last.close();
    });

    it('keeps its partitions while a handler holds back longer than the session timeout', async () => {
      const slow = await connect({ consumer: { heartbeatInterval: 300, maxWaitTimeInMs: 500, sessionTimeout: 6_000 } });
      try {
        const got: unknown[] = [];
        const sub = await slow.subscribe(topic, group, async (r) => {
          got.push(r.value);
          if (r.value === 'slow') await new Promise((resolve) => setTimeout(resolve, 8_000));
        });
        await slow.publish(['slow', 'next'].map((value) => ({ topic, key: 'session', value })));
        await eventually(() => got.length === 2, WAIT_MS);
        // Without heartbeats the member would have left the group, and 'slow' come again after its rejoin.
        expect(got).toEqual(['slow', 'next']);
        await sub.close();
      } finally {
        await slow.close();
      }
    });

    it('reports a failing handler to onError with its group', async () => {
      const failure = new Error('handler failure');
      const got: unknown[] = [];
      const sub = await bus.subscribe(topic, group, (r) => {
        got.push(r.value);
        throw failure;
      });
      await bus.publish(records(1, 1));
      await eventually(() => errors.length === 1, WAIT_MS);
      expect(errors).toEqual([[group, failure]]);
      await sub.close();
    });

    it('answers reachable() once a broker answers', async () => {
      await expect(bus.reachable()).resolves.toBeUndefined();
    });
  });

  describe('metrics', () => {
    it('tells its metrics of each acknowledged publish and of the lag of a group after each batch it handled', async () => {
      const published: number[] = [];
      const lags: Array<[string, number, number]> = [];
      const metrics: BusMetrics = {
        published: (seconds) => void published.push(seconds),
        publishFailed: () => undefined,
        lag: (group, partition, records) => void lags.push([group, partition, records]),
      };
      const measured = await connect({ metrics });
      const topic = newTopic();
      await measured.ensureTopics([topic], 1);
      await measured.publish([1, 2, 3].map((n) => ({ topic, key: `session-${n}`, value: { n } })));
      expect(published).toHaveLength(1);
      expect(published[0]).toBeGreaterThan(0);
      const got: BusRecord[] = [];
      const sub = await measured.subscribe(topic, 'measured-group', (record) => void got.push(record));
      await eventually(() => got.length === 3 && lags.length > 0, WAIT_MS);
      // One partition, read to its end: nothing behind.
      expect(lags.at(-1)).toEqual(['measured-group', 0, 0]);
      await sub.close();
      await measured.close();
    });
  });

  describe('name prefix', () => {
    const buses: KafkaEventBus[] = [];
    afterEach(async () => {
      await Promise.all(buses.splice(0).map((b) => b.close()));
    });

    it('keeps two buses with different prefixes apart on one Kafka: own topics and groups, plain names to callers', async () => {
      const run = randomUUID();
      const [first, second] = [`ocs.test.${run}.a.`, `ocs-test_${run}-b.`];
      const topic = 'ocs.chat.session-events.v1';
      const group = 'interaction-bridge';
      topics.push(first + topic, second + topic);
      const [a, b] = [await connect({ namePrefix: first }), await connect({ namePrefix: second })];
      buses.push(a, b);
      await a.ensureTopics([topic]);
      await b.ensureTopics([topic]);
      const onKafka = await admin.listTopics();
      expect(onKafka).toEqual(expect.arrayContaining([first + topic, second + topic]));
      expect(a.topicName(topic)).toBe(first + topic);

      const got: Record<'a' | 'b', BusRecord[]> = { a: [], b: [] };
      const subs = [await a.subscribe(topic, group, (r) => void got.a.push(r)), await b.subscribe(topic, group, (r) => void got.b.push(r))];
      await a.publish([{ topic, key: 'session-1', value: { from: 'a' } }]);
      await b.publish([
        { topic, key: 'session-1', value: { from: 'b', n: 1 } },
        { topic, key: 'session-2', value: { from: 'b', n: 2 } },
      ]);
      await eventually(() => got.a.length >= 1 && got.b.length >= 2, WAIT_MS);
      // Time for a stray record to arrive, had it crossed over.
      await new Promise((r) => setTimeout(r, 1000));
      const plain = ({ topic, key, value }: BusRecord) => ({ topic, key, value });
      expect(got.a.map(plain)).toEqual([{ topic, key: 'session-1', value: { from: 'a' } }]);
      // Two keys may sit in two partitions: no order between them.
      expect(got.b.map(plain).sort((x, y) => x.key.localeCompare(y.key))).toEqual([
        { topic, key: 'session-1', value: { from: 'b', n: 1 } },
        { topic, key: 'session-2', value: { from: 'b', n: 2 } },
      ]);

      // The groups are prefixed too, each committing on its own topic only.
      const committed = async (prefix: string) => {
        const [offsets] = await admin.fetchOffsets({ groupId: prefix + group, topics: [prefix + topic] });
        const sum = offsets.partitions.reduce((total, p) => total + Math.max(0, Number(p.offset)), 0);
        return sum > 0 ? sum : undefined;
      };
      expect(await until(() => committed(first), 'the commit of the first group', WAIT_MS)).toBe(1);
      expect(await until(() => committed(second), 'the commits of the second group', WAIT_MS)).toBeGreaterThanOrEqual(1);
      const { groups } = await admin.listGroups();
      expect(groups.map((g) => g.groupId)).toEqual(expect.arrayContaining([first + group, second + group]));
      for (const sub of subs) await sub.close();
    });

    it('refuses a prefix with characters Kafka does not allow, and a prefixed topic name over 249 characters', async () => {
      await expect(connect({ namePrefix: 'staging/' })).rejects.toThrow('Kafka name prefix "staging/" has characters other than A-Z a-z 0-9 . _ -');
      const long = await connect({ namePrefix: 'p'.repeat(240) });
      buses.push(long);
      await expect(long.publish([{ topic: 'ocs.chat.session-events.v1', key: 'k', value: 1 }])).rejects.toThrow('is not a Kafka topic name');
      await expect(long.ensureTopics(['ocs.chat.session-events.v1'])).rejects.toThrow('is not a Kafka topic name');
    });
  });

  describe('KafkaEventBus logging', () => {
    let bus: KafkaEventBus;
    let topic: string;
    let group: string;

    beforeEach(async () => {
      bus = await connect();
      topic = newTopic();
      group = `${topic}.group`;
      await bus.ensureTopics([topic]);
    });
    afterEach(async () => {
      await bus.close();
    });

    it("routes kafkajs's logs to the injected logger, and writes nothing to the console without one", async () => {
      const consoleCalls = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) => jest.spyOn(console, method));
      const lines: { level: string; fields: object; message: string }[] = [];
      const line = (level: string) => (fields: object, message: string) => void lines.push({ level, fields, message });
      const logger: KafkaClientLogger = { error: line('error'), warn: line('warn'), info: line('info') };
      const logged = await connect({ logger });
      await logged.subscribe(topic, group, () => undefined);
      await bus.subscribe(topic, `${group}-silent`, () => undefined);
      await logged.close();
      await bus.close();
      expect(lines).toContainEqual({ level: 'info', fields: expect.objectContaining({ namespace: expect.any(String) }), message: expect.any(String) });
      expect(lines.filter(({ fields }) => 'timestamp' in fields || 'message' in fields)).toEqual([]);
      expect(consoleCalls.flatMap((spy) => spy.mock.calls)).toEqual([]);
      for (const spy of consoleCalls) spy.mockRestore();
    });
  });
});
