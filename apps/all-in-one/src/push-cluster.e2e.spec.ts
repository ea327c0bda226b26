import { KafkaEventBus } from '@ocs/adapters-kafka';
import { TOPICS } from '@ocs/contracts';
import { pushRecord, PushReceiver, until, type ReceivedPush } from '@ocs/testing';
import { randomBytes } from 'node:crypto';
import { TestCluster, realServers, type ServiceProcess } from './test/cluster';

const servers = realServers();
const DEVICES = 6;
const PER_DEVICE = 60;

(servers ? describe : describe.skip)('cluster: the push-notifier process on real Kafka, SIGKILLed mid-run', () => {
  const prefix = `ocs_push_${randomBytes(4).toString('hex')}.`;
  let receiver: PushReceiver;
  let cluster: TestCluster;
  let bus: KafkaEventBus;

  beforeAll(async () => {
    receiver = await PushReceiver.start();
    // A few milliseconds per request, so that the kill falls in the middle of the flow.
    receiver.answer = () => ({ status: 200, delayMs: 3 });
    cluster = new TestCluster(servers ?? { cassandra: '', kafka: '', redis: '' }, {
      OCS__kafka__name_prefix: prefix,
      OCS__push__customhttp_url: receiver.url,
      OCS__push__pushEnabled: 'customhttp',
      OCS__push__retry_delay: '50',
      OCS__push__concurrency: '4',
    });
    await TestCluster.build();
    bus = await KafkaEventBus.connect({
      brokers: (servers?.kafka ?? '').split(','),
      clientId: 'ocs-push-test',
      partitions: 3,
      replicationFactor: 1,
      namePrefix: prefix,
      onError: () => undefined,
    });
    await bus.ensureTopics([TOPICS.sessionEvents]);
  }, 360_000);

  afterAll(async () => {
    await cluster.stop();
    await bus?.close();
    await receiver?.close();
  }, 60_000);

  it('delivers every notification at least once, duplicates with the same id and body, each device in order', async () => {
    const first: ServiceProcess = await cluster.pushNotifier('p1');
    const ids = (device: number) => Array.from({ length: PER_DEVICE }, (_, n) => `d${device}-${String(n).padStart(3, '0')}`);
    const publishing = (async () => {
      for (let n = 0; n < PER_DEVICE; n += 5) {
        const records = Array.from({ length: DEVICES }, (_, d) =>
          ids(d)
            .slice(n, n + 5)
            .map((id) => ({ topic: TOPICS.sessionEvents, key: `session-${d}`, value: pushRecord(`session-${d}`, { id, deviceId: `device-${d}` }) })),
        ).flat();
        await bus.publish(records);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    await until(async () => (receiver.received.length >= (DEVICES * PER_DEVICE) / 4 ? true : undefined), 'a quarter of the notifications delivered', 60_000);
    cluster.kill(first);
    const atKill = receiver.received.length;
    await publishing;
    await cluster.pushNotifier('p2');
    const expected = Array.from({ length: DEVICES }, (_, d) => ids(d)).flat();
    await until(async () => (expected.every((id) => receiver.ids.includes(id)) ? true : undefined), 'every notification delivered', 90_000);

    expect(atKill).toBeLessThan(expected.length);
    const byId = new Map<string, ReceivedPush>();
    for (const push of receiver.received) {
      const seen = byId.get(push.id);
      if (seen) expect(push.raw).toBe(seen.raw);
      byId.set(push.id, push);
    }
    expect(new Set(receiver.ids)).toEqual(new Set(expected));
    for (let d = 0; d < DEVICES; d += 1) {
      // At least once, in order: a device never gets a notification before every earlier one of it arrived.
      const arrivals = receiver.received.filter((r) => r.deviceId === `device-${d}`).map((r) => ids(d).indexOf(r.id));
      let highest = -1;
      for (const index of arrivals) {
        expect(index).toBeLessThanOrEqual(highest + 1);
        highest = Math.max(highest, index);
      }
    }
  }, 240_000);
});
