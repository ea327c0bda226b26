import { isTakenRecord, type BusHandler, type BusMetrics, type BusRecord, type BusSubscription, type EventBus, type TakenRecord } from '@ocs/ports';
import { Commits } from './commits';
import { Kafka, logLevel, Partitioners, type Admin, type ConsumerConfig, type KafkaMessage, type logCreator, type Producer } from 'kafkajs';

/** Where kafkajs's own log lines go; a pino `Logger` fits. */
export interface KafkaClientLogger {
  error(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

export interface KafkaEventBusOptions {
  brokers: readonly string[];
  clientId: string;
  /** Partitions of the topics `ensureTopics` creates, unless it is given a count. */
  partitions: number;
  replicationFactor: number;
  /** A handler that threw, or a consumer that kafkajs gave up restarting, of consumer group `group`. */
  onError: (group: string, error: unknown) => void;
  /** kafkajs logs at `info` and above; without a logger they are dropped. */
  logger?: KafkaClientLogger;
  /**
   * Where a group without committed offsets starts: at the earliest record (default), so nothing published before
   * it first joined is lost; or, if false, at the end of the partition as of its first fetch.
   */
  fromBeginning?: boolean;
  /** Consumer timings, passed to kafkajs; lower `heartbeatInterval` and `maxWaitTimeInMs` rebalance faster. */
  consumer?: Pick<ConsumerConfig, 'sessionTimeout' | 'rebalanceTimeout' | 'heartbeatInterval' | 'maxWaitTimeInMs'>;
  /**
   * Put before every topic name and consumer group id on Kafka (`[kafka] name-prefix`), so clusters sharing one Kafka
   * keep apart: with `staging.`, topic `ocs.chat.session-events.v1` is `staging.ocs.chat.session-events.v1` on Kafka
   * and group `interaction-bridge` is `staging.interaction-bridge`. Callers keep using the plain names: records
   * handed to handlers carry the plain topic, and `onError` the plain group. Default empty (the plain names).
   */
  namePrefix?: string;
  /** Told of each publish request's time to acknowledgement or failure, and of each group's lag; none: nothing measured. */
  metrics?: BusMetrics;
}

/** Characters Kafka allows in a topic name, and its longest topic name. */
const TOPIC_CHARACTERS = /^[A-Za-z0-9._-]*$/;
const MAX_TOPIC_LENGTH = 249;

const ABANDONED = Symbol('abandoned');
/** kafkajs's default heartbeat interval. */
const DEFAULT_HEARTBEAT_MS = 3_000;
/** Records of publish calls sent together stay below Kafka's default `max.request.size` (1 MiB). */
const MAX_REQUEST_BYTES = 512 * 1024;

interface PendingPublish {
  messages: Array<{ topic: string; key: string; value: string }>;
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The event bus on Kafka: one topic per `BusRecord.topic`, records keyed by session id (so one session's records
 * share a partition and keep their order), values JSON in UTF-8.
 *
 * `publish` goes through an idempotent producer (acks from all in-sync replicas, one request in flight) and resolves
 * once Kafka acknowledged every record; records of one call keep their order.
 *
 * Delivery is at least once. Each `subscribe` is one member of consumer group `group`; it handles one record at a time,
 * in partition order, and commits the offset past a record only once its handler settled; commits run beside the
 * handling, the latest offsets of all partitions in one request, so a commit's round trip does not hold up the next
 * record. (With kafkajs 2.2, `partitionsConsumedConcurrently` above 1 and `eachBatch` both left a member without
 * records after a rebalance in our contract test under load, so records are taken one by one.) A handler that throws is
 * reported to `onError` and its record committed, as the memory bus reports and moves on. A record whose handler had
 * not settled when its member stopped (crash, `close`, lost partition) is delivered again to the member that takes
 * the partition over: handlers must be idempotent.
 *
 * A handler may take a record in and finish it later (`TakenRecord`): the member goes on to the next record at once,
 * and the offset of a partition moves past a record only when it and every earlier record of that partition are
 * handled, so what was taken in but not finished when the member stopped is delivered again. While a handler has not
 * returned (one holding back until it has room, say) the member keeps sending heartbeats, so a long wait does not cost
 * it its partitions. After a rebalance the records taken in before it no longer count: the partition's committed
 * offset is where its records come from again.
 *
 * Topics must exist before use (`ensureTopics` at start-up): subscribing to a missing one fails at once, publishing to
 * one fails once the producer's retries are spent.
 *
 * Topic names and group ids are the plain ones (`TOPICS`) in the calls and the records, and `namePrefix` + the plain
 * one on Kafka.
 */
export class KafkaEventBus implements EventBus {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly subscriptions = new Set<BusSubscription>();
  private readonly waiting: PendingPublish[] = [];
  private sending = false;
  private readonly prefix: string;

  private constructor(private readonly options: KafkaEventBusOptions) {
    this.prefix = options.namePrefix ?? '';
    if (!TOPIC_CHARACTERS.test(this.prefix)) throw new Error(`Kafka name prefix ${JSON.stringify(this.prefix)} has characters other than A-Z a-z 0-9 . _ -`);
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      ...(options.logger ? { logLevel: logLevel.INFO, logCreator: toLogger(options.logger) } : { logLevel: logLevel.NOTHING }),
    });
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.admin = this.kafka.admin();
  }

  /** A bus whose producer and admin client are connected. */
  static async connect(options: KafkaEventBusOptions): Promise<KafkaEventBus> {
    const bus = new KafkaEventBus(options);
    try {
      await Promise.all([bus.producer.connect(), bus.admin.connect()]);
    } catch (error) {
      await bus.close();
      throw error;
    }
    return bus;
  }

  /** Creates the topics that do not exist yet (under their prefixed names), and waits until their partitions have leaders. */
  async ensureTopics(names: readonly string[], partitions = this.options.partitions): Promise<void> {
    const prefixed = names.map((name) => this.topicName(name));
    const existing = new Set(await this.admin.listTopics());
    const missing = prefixed.filter((name) => !existing.has(name));
    if (missing.length === 0) return;
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: this.options.replicationFactor })),
    });
  }

  /**
   * Resolves once Kafka acknowledged every record. Calls made while a send is in flight wait for it and then go
   * out together in the next request (in call order), so a node's throughput is not bounded by one round trip per
   * call, as it would be with the one request in flight that the idempotent producer allows.
   */
  publish(records: readonly BusRecord[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let messages: PendingPublish['messages'];
      try {
        messages = records.map(({ topic, key, value }) => ({ topic: this.topicName(topic), key, value: JSON.stringify(value) }));
      } catch (error) {
        reject(error);
        return;
      }
      this.waiting.push({ messages, bytes: messages.reduce((sum, m) => sum + m.key.length + m.value.length, 0), resolve, reject });
      void this.send();
    });
  }

  /** Sends what waits, request after request, each request holding whole calls up to `MAX_REQUEST_BYTES`. */
  private async send(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    while (this.waiting.length > 0) {
      let bytes = 0;
      let count = 0;
      while (count < this.waiting.length && (count === 0 || bytes + this.waiting[count].bytes <= MAX_REQUEST_BYTES)) bytes += this.waiting[count++].bytes;
      const calls = this.waiting.splice(0, count);
      const byTopic = new Map<string, { key: string; value: string }[]>();
      for (const { topic, key, value } of calls.flatMap((call) => call.messages)) {
        const messages = byTopic.get(topic) ?? [];
        byTopic.set(topic, messages);
        messages.push({ key, value });
      }
      const start = performance.now();
      try {
        await this.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
        this.options.metrics?.published((performance.now() - start) / 1000);
        for (const call of calls) call.resolve();
      } catch (error) {
        this.options.metrics?.publishFailed();
        for (const call of calls) call.reject(error);
      }
    }
    this.sending = false;
  }

  /** Resolves once this member has joined `group` (prefixed on Kafka) and received its partitions. */
  async subscribe(topic: string, group: string, handler: BusHandler): Promise<BusSubscription> {
    const kafkaTopic = this.topicName(topic);
    const heartbeatMs = this.options.consumer?.heartbeatInterval ?? DEFAULT_HEARTBEAT_MS;
    const consumer = this.kafka.consumer({ groupId: this.prefix + group, allowAutoTopicCreation: false, ...this.options.consumer });
    const commits = new Commits(
      (offsets) => consumer.commitOffsets(offsets.map(([partition, offset]) => ({ topic: kafkaTopic, partition, offset }))),
      (error) => this.options.onError(group, error),
    );
    let closing: Promise<void> | undefined;
    let abandon!: () => void;
    const abandoned = new Promise<typeof ABANDONED>((resolve) => (abandon = () => resolve(ABANDONED)));
    const subscription: BusSubscription = {
      // Does not wait for a handler in progress: its record stays uncommitted and is delivered again.
      close: () =>
        (closing ??= (async () => {
          abandon();
          await commits.settled();
          await consumer.disconnect();
          this.subscriptions.delete(subscription);
        })()),
    };
    this.subscriptions.add(subscription);
    consumer.on(consumer.events.GROUP_JOIN, () => commits.reset());
    const { metrics } = this.options;
    // The lag after each batch handled: records of the partition behind the batch's last one.
    if (metrics) consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => metrics.lag(group, payload.partition, Number(payload.offsetLag)));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.options.onError(group, payload.error);
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [kafkaTopic], fromBeginning: this.options.fromBeginning ?? true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message, heartbeat }) => {
          if (closing) return;
          const beating = setInterval(() => void heartbeat().catch(() => undefined), heartbeatMs);
          let outcome: Awaited<ReturnType<KafkaEventBus['deliver']>> | typeof ABANDONED;
          try {
            outcome = await Promise.race([this.deliver(topic, group, partition, message, handler), abandoned]);
          } finally {
            clearInterval(beating);
          }
          if (outcome === ABANDONED) return;
          const done = commits.taken(partition, BigInt(message.offset));
          if (!outcome) return done();
          outcome.handled.catch((error: unknown) => this.options.onError(group, error)).finally(done);
        },
      });
    } catch (error) {
      await subscription.close();
      throw error;
    }
    return subscription;
  }

  /**
   * Resolves once a broker answered a metadata request (the admin client's `describeCluster`): the readiness check of
   * a service on this bus. Rejects when no broker can be reached; kafkajs retries first, so bound it with a timeout.
   */
  async reachable(): Promise<void> {
    await this.admin.describeCluster();
  }

  /**
   * How far consumer group `group` is behind on `topic`: per partition, the records between its committed offset (the
   * partition's first record when it has committed none) and the partition's end. One admin round trip per call.
   */
  async lag(topic: string, group: string): Promise<Array<{ partition: number; lag: number }>> {
    const kafkaTopic = this.topicName(topic);
    const [ends, [committed]] = await Promise.all([
      this.admin.fetchTopicOffsets(kafkaTopic),
      this.admin.fetchOffsets({ groupId: this.prefix + group, topics: [kafkaTopic] }),
    ]);
    const at = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
    return ends.map(({ partition, high, low }) => {
      const from = at.get(partition) ?? -1;
      return { partition, lag: Math.max(0, Number(high) - (from >= 0 ? from : Number(low))) };
    });
  }

  /** The name of `topic` on Kafka: with the prefix. */
  topicName(topic: string): string {
    const name = this.prefix + topic;
    if (name.length > MAX_TOPIC_LENGTH || !TOPIC_CHARACTERS.test(name) || name === '.' || name === '..') {
      throw new Error(`${JSON.stringify(name)} is not a Kafka topic name (at most ${MAX_TOPIC_LENGTH} characters from A-Z a-z 0-9 . _ -)`);
    }
    return name;
  }

  /** Disconnects every subscription, then the producer and the admin client. */
  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await Promise.all([this.producer.disconnect(), this.admin.disconnect()]);
  }

  /** The record taken in to finish later, if the handler says so; otherwise the handler settled. */
  private async deliver(topic: string, group: string, partition: number, message: KafkaMessage, handler: BusHandler): Promise<TakenRecord | undefined> {
    try {
      const result = await handler({ topic, key: message.key?.toString() ?? '', value: JSON.parse(String(message.value)), partition, offset: message.offset });
      return isTakenRecord(result) ? result : undefined;
    } catch (error) {
      this.options.onError(group, error);
      return undefined;
    }
  }
}

function toLogger(logger: KafkaClientLogger): logCreator {
  return () =>
    ({ namespace, level, log: { message, timestamp: _timestamp, ...fields } }) => {
      const method = level === logLevel.ERROR ? 'error' : level === logLevel.WARN ? 'warn' : 'info';
      logger[method]({ namespace, ...fields }, message);
    };
}
