/**
 * Push notifications delivered by the push-notifier to a local custom-http receiver: the rate it sustains (all
 * notifications published at once, timed to the last receiver answer) and the delivery latency (from the notice's
 * `at` to the receiver's 2xx, as `ocs_push_delivery_latency_seconds` measures it) at a steady publish rate. The
 * notifier runs as in the all-in-one process, on the in-memory bus with the default `[push]` options; run it while a
 * load scenario runs (`npm run bench -- --quick --scenarios churn`) to see it beside chat traffic.
 * `npm run bench:push [-- --quick]`.
 */
import { MemoryEventBus } from '@ocs/adapters-memory';
import { TOPICS, type SessionEventRecord } from '@ocs/contracts';
import { PushNotifier } from '@ocs/service-push-notifier';
import { Latency, type LatencySummary } from './load/latency';
import { startPushReceiver } from './load/push-figures';

const quick = process.argv.includes('--quick');
const DEVICES = quick ? 200 : 1_000;
const BURST = quick ? 5_000 : 50_000;
const STEADY_PER_SECOND = quick ? 500 : 2_000;
const STEADY_SECONDS = quick ? 10 : 30;

function record(n: number, device: number): { topic: string; key: string; value: SessionEventRecord } {
  const sessionId = `session-${device}`;
  return {
    topic: TOPICS.sessionEvents,
    key: sessionId,
    value: {
      type: 'push',
      sessionId,
      push: {
        id: `n-${n}`,
        userId: `user-${device}`,
        at: Date.now(),
        subscription: { deviceId: `device-${device}`, deviceType: 'customhttp', notifyRequestor: false, includePayload: true, resend: true },
        attempt: 0,
        position: n,
        nextPosition: n + 1,
        chatEnded: false,
        secureKey: 'k'.repeat(40),
        content: { 'secure-key': 'c6c9a6d96dc14cef5f94', 'session-id': sessionId, 'user-id': `user-${device}` },
      },
    },
  };
}

async function main(): Promise<void> {
  const pushReceiver = await startPushReceiver();
  const { url } = pushReceiver;
  const bus = new MemoryEventBus();
  const logger = { debug: () => undefined, warn: () => undefined };
  const notifier = new PushNotifier(
    bus,
    {
      receiver: { url, timeoutMs: 10_000, maxSockets: 32 },
      body: { alias: '1' },
      delivery: { concurrency: 32, queueSize: 10_000, retryAttempts: 10, retryDelayMs: 500, retryMaxDelayMs: 60_000 },
      maxAgeMs: 86_400_000,
    },
    logger,
  );
  let latency = Latency.empty();
  let sent = 0;
  notifier.observe({ sent: (ms) => (latency.record(ms), (sent += 1)) });
  await notifier.start();
  const until = async (count: number) => {
    while (sent < count) await new Promise((resolve) => setTimeout(resolve, 5));
  };

  const burstStart = performance.now();
  await bus.publish(Array.from({ length: BURST }, (_, n) => record(n, n % DEVICES)));
  await until(BURST);
  const burstSeconds = (performance.now() - burstStart) / 1000;
  const burst: LatencySummary = latency.summary();

  latency = Latency.empty();
  sent = 0;
  const total = STEADY_PER_SECOND * STEADY_SECONDS;
  const tickMs = 20;
  const perTick = (STEADY_PER_SECOND * tickMs) / 1000;
  const steadyStart = performance.now();
  for (let n = 0; n < total; n += perTick) {
    await bus.publish(Array.from({ length: perTick }, (_, i) => record(BURST + n + i, (n + i) % DEVICES)));
    const due = steadyStart + ((n + perTick) / STEADY_PER_SECOND) * 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
  }
  await until(total);
  const steady = latency.summary();

  await notifier.stop();
  await pushReceiver.close();
  const lines = [
    `| Push delivery to a local receiver (${DEVICES} devices, concurrency 32) | figure |`,
    '|---|---|',
    `| burst of ${BURST}: notifications/s | ${Math.round(BURST / burstSeconds)} |`,
    `| burst: latency p50 / p99 / max (ms, queueing included) | ${burst.p50} / ${burst.p99} / ${burst.max} |`,
    `| steady ${STEADY_PER_SECOND}/s for ${STEADY_SECONDS} s: latency p50 / p95 / p99 / max (ms) | ${steady.p50} / ${steady.p95} / ${steady.p99} / ${steady.max} |`,
    `| requests the receiver got | ${pushReceiver.received()} |`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
