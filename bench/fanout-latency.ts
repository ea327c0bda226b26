/**
 * Latency of the two ways a live change could travel from the session-engine node to the gateway holding a
 * connection: Redis pub/sub (`RedisFanOut`, what the product uses) and Kafka (`KafkaEventBus`, the durable event
 * bus). Each message is published at a steady rate, as the engine publishes each change, and timed from the
 * publish call to its arrival at the subscriber. Run: `npm run bench:fanout [-- <messages> <per second>]`; it starts
 * the local servers (deploy/local) when they are not running.
 */
import { KafkaEventBus } from '@ocs/adapters-kafka';
import { RedisFanOut } from '@ocs/adapters-redis';
import { randomBytes } from 'node:crypto';
import { Latency, type LatencySummary } from './load/latency';

interface Stamp {
  n: number;
  sentAt: number;
  /** A payload the size of a small transcript increment. */
  pad: string;
}

const PAD = 'x'.repeat(300);

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through deploy/local/with-services.sh (npm run bench:fanout does)`);
  return value;
}

/** Publishes `count` messages at `perSecond` through `publish`; resolves once all arrived (or `timeoutMs` passed). */
async function measure(
  count: number,
  perSecond: number,
  publish: (stamp: Stamp) => Promise<void>,
  arrivals: { onArrival?: (stamp: Stamp) => void },
): Promise<LatencySummary & { lost: number }> {
  const latency = Latency.empty();
  let arrived = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (done = resolve));
  arrivals.onArrival = (stamp) => {
    latency.record(performance.now() - stamp.sentAt);
    arrived += 1;
    if (arrived === count) done();
  };
  const start = performance.now();
  for (let n = 0; n < count; n++) {
    const due = start + (n * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    void publish({ n, sentAt: performance.now(), pad: PAD });
  }
  await Promise.race([all, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  return { ...latency.summary(), lost: count - arrived };
}

async function redis(count: number, perSecond: number): Promise<LatencySummary & { lost: number }> {
  const prefix = `bench-${randomBytes(4).toString('hex')}:`;
  const [publisher, subscriber] = [
    new RedisFanOut({ url: env('OCS_TEST_REDIS'), keyPrefix: prefix }),
    new RedisFanOut({ url: env('OCS_TEST_REDIS'), keyPrefix: prefix }),
  ];
  const arrivals: { onArrival?: (stamp: Stamp) => void } = {};
  const unsubscribe = await subscriber.subscribe('gateway', (message) => arrivals.onArrival?.(JSON.parse(message) as Stamp));
  try {
    return await measure(count, perSecond, (stamp) => publisher.publish('gateway', JSON.stringify(stamp)), arrivals);
  } finally {
    await unsubscribe();
    await Promise.all([publisher.close(), subscriber.close()]);
  }
}

async function kafka(count: number, perSecond: number): Promise<LatencySummary & { lost: number }> {
  const topic = `bench.fanout.${randomBytes(4).toString('hex')}`;
  const bus = await KafkaEventBus.connect({
    brokers: env('OCS_TEST_KAFKA_BROKERS').split(','),
    clientId: 'bench-fanout',
    partitions: 1,
    replicationFactor: 1,
    onError: (_group, error) => process.stderr.write(`kafka consumer: ${String(error)}\n`),
    consumer: { maxWaitTimeInMs: 100 },
  });
  await bus.ensureTopics([topic]);
  const arrivals: { onArrival?: (stamp: Stamp) => void } = {};
  const subscription = await bus.subscribe(topic, `${topic}-gateway`, (record) => arrivals.onArrival?.(record.value as Stamp));
  try {
    return await measure(count, perSecond, (stamp) => bus.publish([{ topic, key: 'session', value: stamp }]), arrivals);
  } finally {
    await subscription.close();
    await bus.close();
  }
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 2000);
  const perSecond = Number(process.argv[3] ?? 200);
  const result = { messages: count, perSecond, redisPubSub: await redis(count, perSecond), kafka: await kafka(count, perSecond), node: process.version };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
