import { KafkaEventBus } from '@ocs/adapters-kafka';
import { MemoryInteractionServer, MemoryRoutingStore } from '@ocs/adapters-memory';
import { RedisFanOut } from '@ocs/adapters-redis';
import { routingAgentChannel, TOPICS, type RoutingAgentMessage, type RoutingCommandRecord } from '@ocs/contracts';
import { systemClock } from '@ocs/ports';
import { until } from '@ocs/testing';
import { randomUUID } from 'node:crypto';
import { RoutingRuntime } from './routing-runtime';

const brokers = (process.env.OCS_TEST_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
const redisUrl = process.env.OCS_TEST_REDIS ?? '';
if ((brokers.length === 0 || !redisUrl) && (process.env.CI || process.env.OCS_REQUIRE_SERVICES)) {
  throw new Error('OCS_TEST_KAFKA_BROKERS and OCS_TEST_REDIS must be set: the routing runtime must run on the real servers here');
}
const describeOnServers = brokers.length > 0 && redisUrl ? describe : describe.skip;
jest.setTimeout(120_000);
const WAIT_MS = 60_000;

/**
 * Two routing replicas in one consumer group on a real Kafka, telling agents through a real Redis, saving to one
 * shared store: every chat of two tenants is offered exactly once, and after one replica leaves (a rebalance) the
 * other carries its tenant on from the stored state.
 */
describeOnServers('routing runtime on Kafka and Redis', () => {
  const namePrefix = `ocs-test-${randomUUID().slice(0, 8)}.`;
  const keyPrefix = `ocs-test-${randomUUID().slice(0, 8)}:`;
  const store = new MemoryRoutingStore();
  const interactions = new MemoryInteractionServer();
  const offers = new Map<string, Set<string>>();
  const closers: Array<() => Promise<void>> = [];
  const errors: unknown[] = [];
  let producer: KafkaEventBus;

  const bus = async (member: string) => {
    const b = await KafkaEventBus.connect({
      brokers,
      clientId: member,
      partitions: 4,
      replicationFactor: 1,
      namePrefix,
      onError: (_g, e) => void errors.push(e),
      consumer: { heartbeatInterval: 300, maxWaitTimeInMs: 200, sessionTimeout: 6000 },
    });
    await b.ensureTopics([TOPICS.routingCommands]);
    return b;
  };

  const replica = async (member: string) => {
    const b = await bus(member);
    const fanOut = new RedisFanOut({ url: redisUrl, keyPrefix });
    const runtime = new RoutingRuntime({
      store,
      bus: b,
      fanOut,
      interactions,
      clock: systemClock,
      options: { tenants: { 1: [{ name: 'sales' }], 2: [{ name: 'sales' }] }, sweepMs: 1000 },
      onError: (_t, e) => void errors.push(e),
    });
    await runtime.start();
    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        await runtime.stop();
        await b.close();
        await fanOut.close();
      })());
    closers.push(close);
    return close;
  };

  const send = (tenant: number, command: Record<string, unknown>) =>
    producer.publish([
      { topic: TOPICS.routingCommands, key: String(tenant), value: { ...command, commandId: randomUUID(), tenant, at: Date.now() } as RoutingCommandRecord },
    ]);

  const chats = async (tenant: number, from: number, count: number) => {
    const ids: string[] = [];
    for (let i = from; i < from + count; i++) {
      const { interactionId } = await interactions.submit({
        tenantDbid: tenant,
        queue: 'sales',
        mediaType: 'chat',
        sessionId: `T${tenant}-S${i}`,
        properties: {},
      });
      ids.push(interactionId);
      await send(tenant, { type: 'enqueue', interactionId, queue: 'sales', mediaType: 'chat' });
    }
    return ids;
  };

  beforeAll(async () => {
    producer = await bus('routing-test-producer');
    const listener = new RedisFanOut({ url: redisUrl, keyPrefix });
    closers.push(() => listener.close());
    for (const tenant of [1, 2]) {
      await listener.subscribe(routingAgentChannel(tenant, 'ann'), (raw) => {
        const m = JSON.parse(raw) as RoutingAgentMessage;
        if (m.type === 'offer') offers.set(m.interactionId, (offers.get(m.interactionId) ?? new Set()).add(m.offerId));
      });
    }
  });

  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await producer.close();
  });

  it('offers every chat once with two replicas, and carries on after one leaves', async () => {
    const closeFirst = await replica('routing-test-a');
    await replica('routing-test-b');
    for (const tenant of [1, 2]) await send(tenant, { type: 'login', agentId: 'ann', capacity: { chat: 100 }, skills: {}, queues: ['sales'], ready: true });
    const before = [...(await chats(1, 0, 10)), ...(await chats(2, 0, 10))];
    await until(async () => (before.every((id) => offers.has(id)) ? true : undefined), 'an offer of every chat', WAIT_MS);

    await closeFirst();
    const after = [...(await chats(1, 10, 5)), ...(await chats(2, 10, 5))];
    await until(async () => (after.every((id) => offers.has(id)) ? true : undefined), 'an offer of every chat after the rebalance', WAIT_MS);

    expect([...offers.values()].every((ids) => ids.size === 1)).toBe(true);
    expect(offers.size).toBe(30);
    expect(errors).toEqual([]);
  });
});
