import { MemoryEventBus } from '@ocs/adapters-memory';
import { TOPICS } from '@ocs/contracts';
import { eventually, pushRecord, PushReceiver, selfSignedCertificate } from '@ocs/testing';
import { createHmac } from 'node:crypto';
import { PushNotifier, type PushMetricsSink, type PushNotifierOptions } from './push-notifier';

const WAIT_MS = 10_000;

describe('PushNotifier on the memory bus, delivering to a real receiver', () => {
  let bus: MemoryEventBus;
  let receiver: PushReceiver;
  let notifier: PushNotifier | undefined;
  const warnings: Array<[object, string]> = [];
  const counted: string[] = [];
  const latencies: number[] = [];
  const logger = { debug: () => undefined, warn: (fields: object, message: string) => void warnings.push([fields, message]) };
  const metrics: PushMetricsSink = {
    sent: (latencyMs) => void (counted.push('sent'), latencies.push(latencyMs)),
    failed: (reason) => void counted.push(`failed:${reason}`),
    retried: () => void counted.push('retried'),
    skipped: (reason) => void counted.push(`skipped:${reason}`),
  };

  beforeEach(async () => {
    bus = new MemoryEventBus();
    receiver = await PushReceiver.start();
    warnings.length = 0;
    counted.length = 0;
    latencies.length = 0;
  });
  afterEach(async () => {
    await notifier?.stop();
    notifier = undefined;
    await receiver.close();
  });

  async function startNotifier(
    overrides: { receiver?: Partial<PushNotifierOptions['receiver']>; delivery?: Partial<PushNotifierOptions['delivery']>; customMessage?: string } = {},
  ) {
    notifier = new PushNotifier(
      bus,
      {
        receiver: { url: receiver.url, timeoutMs: 2_000, maxSockets: 8, ...overrides.receiver },
        body: { alias: '1', ...(overrides.customMessage ? { customMessage: overrides.customMessage } : {}) },
        delivery: { concurrency: 8, queueSize: 100, retryAttempts: 5, retryDelayMs: 20, retryMaxDelayMs: 200, ...overrides.delivery },
        maxAgeMs: 60_000,
      },
      logger,
    );
    notifier.observe(metrics);
    await notifier.start();
    return notifier;
  }

  const publish = (...records: unknown[]) =>
    bus.publish(records.map((value) => ({ topic: TOPICS.sessionEvents, key: (value as { sessionId: string }).sessionId, value })));

  it('posts the notification JSON with its id, and counts it sent with its latency', async () => {
    await startNotifier();
    await publish(pushRecord('s-1', { id: 'n-1', deviceId: 'dev-a', position: 16, nextPosition: 17, content: { 'user-id': 'u-1' } }));
    await eventually(() => counted.includes('sent'), WAIT_MS);
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'x-push-notification-id': 'n-1' });
    expect(request.headers['x-push-signature']).toBeUndefined();
    expect(request.body).toMatchObject({
      deviceId: 'dev-a',
      message: {
        chatId: 's-1',
        nextPosition: 17,
        messages: [{ type: 'PushUrl', userData: { 'notify-attempt': '0', 'notify-position': '16', 'user-id': 'u-1' } }],
      },
    });
    expect(latencies[0]).toBeGreaterThanOrEqual(0);
  });

  it('sends customhttp.message in place of the content', async () => {
    await startNotifier({ customMessage: 'Open the chat' });
    await publish(pushRecord('s-1', { id: 'n-1', deviceId: 'dev-a' }));
    await eventually(() => receiver.received.length === 1, WAIT_MS);
    expect(receiver.received[0].body).toEqual({ message: 'Open the chat', deviceId: 'dev-a' });
  });

  it('tries again after a 500, a 429 and a 503, then delivers once', async () => {
    receiver.answer = (_, n) => [500, { status: 429, body: 'slow down' }, 503][n - 1] ?? 200;
    await startNotifier();
    await publish(pushRecord('s-1', { id: 'n-1' }));
    await eventually(() => counted.includes('sent'), WAIT_MS);
    expect(receiver.ids).toEqual(['n-1', 'n-1', 'n-1', 'n-1']);
    expect(counted).toEqual(['retried', 'retried', 'retried', 'sent']);
  });

  it('gives up a notification the receiver refuses with a 4xx, without retrying, logging no content', async () => {
    receiver.answer = (r) => (r.id === 'n-1' ? 400 : 200);
    await startNotifier();
    await publish(pushRecord('s-1', { id: 'n-1', secureKey: 'very-secret-key' }), pushRecord('s-1', { id: 'n-2' }));
    await eventually(() => counted.includes('sent'), WAIT_MS);
    expect(receiver.ids).toEqual(['n-1', 'n-2']);
    expect(counted).toEqual(['failed:refused', 'sent']);
    expect(warnings).toEqual([[{ notificationId: 'n-1', tries: 1, status: 400 }, 'push notification given up']]);
    expect(JSON.stringify(warnings)).not.toContain('very-secret-key');
  });

  it('gives up after the last retry and goes on with the next notification of the device', async () => {
    receiver.answer = (r) => (r.id === 'n-1' ? 502 : 200);
    await startNotifier({ delivery: { retryAttempts: 2 } });
    await publish(pushRecord('s-1', { id: 'n-1' }), pushRecord('s-1', { id: 'n-2' }));
    await eventually(() => counted.includes('sent'), WAIT_MS);
    expect(receiver.ids).toEqual(['n-1', 'n-1', 'n-1', 'n-2']);
    expect(counted).toEqual(['retried', 'retried', 'failed:exhausted', 'sent']);
  });

  it('tries again when the receiver does not answer in time', async () => {
    receiver.answer = (_, n) => (n === 1 ? 'hang' : 200);
    await startNotifier({ receiver: { timeoutMs: 200 } });
    await publish(pushRecord('s-1', { id: 'n-1' }));
    await eventually(() => counted.includes('sent'), WAIT_MS);
    expect(receiver.ids).toEqual(['n-1', 'n-1']);
    expect(counted).toEqual(['retried', 'sent']);
  });

  it('delivers a 2xx with a garbage body, and tries again after an answer that is not HTTP', async () => {
    receiver.answer = (r, n) => (r.id === 'n-1' ? { status: 200, body: '\u0000{not json' } : n === 2 ? 'garbage' : 202);
    await startNotifier();
    await publish(pushRecord('s-1', { id: 'n-1' }), pushRecord('s-1', { id: 'n-2' }));
    await eventually(() => counted.filter((c) => c === 'sent').length === 2, WAIT_MS);
    expect(receiver.ids).toEqual(['n-1', 'n-2', 'n-2']);
    expect(counted).toEqual(['sent', 'retried', 'sent']);
  });

  it('keeps trying while the receiver is down, and delivers once it is up', async () => {
    const { url } = receiver;
    const port = Number(new URL(url).port);
    await receiver.close();
    await startNotifier({ receiver: { url } });
    await publish(pushRecord('s-1', { id: 'n-1' }));
    await eventually(() => counted.length >= 2, WAIT_MS);
    receiver = await PushReceiver.start({ port });
    await eventually(() => counted.includes('sent'), WAIT_MS);
    expect(receiver.ids).toEqual(['n-1']);
    expect(counted.slice(0, -1).every((c) => c === 'retried')).toBe(true);
  });

  it('keeps each device in order, a slow device holding up no other', async () => {
    receiver.answer = (r) => (r.deviceId === 'slow' ? { status: 200, delayMs: 300 } : 200);
    await startNotifier();
    const slow = Array.from({ length: 4 }, (_, i) => pushRecord('s-slow', { id: `slow-${i}`, deviceId: 'slow' }));
    const fast = Array.from({ length: 20 }, (_, i) => pushRecord(`s-fast-${i % 2}`, { id: `fast-${i % 2}-${i}`, deviceId: `fast-${i % 2}` }));
    await publish(...slow, ...fast);
    await eventually(() => receiver.received.length === 24, WAIT_MS);
    const arrivals = receiver.ids;
    expect(arrivals.filter((id) => id.startsWith('slow'))).toEqual(slow.map((r) => r.push.id));
    for (const device of ['fast-0', 'fast-1'])
      expect(arrivals.filter((id) => id.startsWith(device))).toEqual(fast.filter((r) => r.push.subscription.deviceId === device).map((r) => r.push.id));
    // Every fast notification arrived while the first slow one was still being answered.
    expect(arrivals.indexOf('slow-1')).toBe(arrivals.length - 3);
  });

  it('sends a notification the bus delivers again while it is still held only once', async () => {
    receiver.answer = () => ({ status: 200, delayMs: 300 });
    await startNotifier();
    await publish(pushRecord('s-1', { id: 'n-1' }));
    await eventually(() => receiver.received.length === 1, WAIT_MS);
    await publish(pushRecord('s-1', { id: 'n-1' }), pushRecord('s-1', { id: 'n-2' }));
    await eventually(() => counted.filter((c) => c === 'sent').length === 2, WAIT_MS);
    expect(receiver.ids).toEqual(['n-1', 'n-2']);
  });

  it('holds at most queue-size notifications, holding back the bus beyond', async () => {
    receiver.answer = () => 'hang';
    const active = await startNotifier({ delivery: { queueSize: 3, concurrency: 1 } });
    await publish(...Array.from({ length: 6 }, (_, i) => pushRecord(`s-${i}`, { id: `n-${i}`, deviceId: `dev-${i}` })));
    await eventually(() => receiver.received.length === 1, WAIT_MS);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(active.depth).toBe(3);
    receiver.answer = () => 200;
    const port = Number(new URL(receiver.url).port);
    await receiver.close();
    receiver = await PushReceiver.start({ port });
    await eventually(() => counted.filter((c) => c === 'sent').length === 6, WAIT_MS);
    expect(active.depth).toBe(0);
    expect(new Set(receiver.ids)).toEqual(new Set(['n-0', 'n-1', 'n-2', 'n-3', 'n-4', 'n-5']));
  });

  it('signs each request so that the receiver can verify it with the documented recipe', async () => {
    const secret = 'a-secret-of-some-length';
    await startNotifier({ receiver: { signingSecret: secret } });
    await publish(pushRecord('s-1', { id: 'n-1' }));
    await eventually(() => receiver.received.length === 1, WAIT_MS);
    const { headers, raw } = receiver.received[0];
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(headers['x-push-signature'])) ?? [];
    expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(60);
    const expected = createHmac('sha256', secret).update(`${t}.${headers['x-push-notification-id']}.${raw}`).digest('hex');
    expect(v1).toBe(expected);
    const forged = createHmac('sha256', secret).update(`${t}.n-2.${raw}`).digest('hex');
    expect(v1).not.toBe(forged);
  });

  it('skips and counts a record for an unknown device type, a malformed push record and a stale one, and delivers the next', async () => {
    await startNotifier();
    const android = pushRecord('s-1', { id: 'n-1' });
    android.push.subscription.deviceType = 'android';
    await publish(
      android,
      { type: 'push', sessionId: 's-1', push: { id: 'n-x' } },
      { type: 'closed', sessionId: 's-1', at: 1 },
      pushRecord('s-1', { id: 'n-2' }),
    );
    await eventually(() => counted.includes('sent'), WAIT_MS);
    expect(receiver.ids).toEqual(['n-2']);
    expect(counted).toEqual(['skipped:device-type', 'skipped:malformed', 'sent']);
    expect(warnings.map(([, message]) => message)).toEqual(['push notification for an unknown device type skipped', 'malformed push record skipped']);
  });

  describe('over HTTPS', () => {
    const tls = selfSignedCertificate();

    it('delivers to a receiver whose certificate the configured CA signs, and refuses it without', async () => {
      await receiver.close();
      receiver = await PushReceiver.start({ tls });
      await startNotifier({ receiver: { ca: tls.cert } });
      await publish(pushRecord('s-1', { id: 'n-1' }));
      await eventually(() => counted.includes('sent'), WAIT_MS);
      await notifier?.stop();
      counted.length = 0;
      await startNotifier({ delivery: { retryAttempts: 1 } });
      await publish(pushRecord('s-1', { id: 'n-2' }));
      await eventually(() => counted.includes('failed:exhausted'), WAIT_MS);
      expect(receiver.ids).toEqual(['n-1']);
    });

    it('delivers to a self-signed receiver with tls-reject-unauthorized off', async () => {
      await receiver.close();
      receiver = await PushReceiver.start({ tls });
      await startNotifier({ receiver: { rejectUnauthorized: false } });
      await publish(pushRecord('s-1', { id: 'n-1' }));
      await eventually(() => counted.includes('sent'), WAIT_MS);
      expect(receiver.ids).toEqual(['n-1']);
    });
  });
});
