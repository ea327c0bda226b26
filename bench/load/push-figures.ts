/**
 * Push notifications during a load scenario: a lean custom-http receiver the bench product delivers to, and the
 * push-notifier's figures read from its `/metrics` (notifications consumed, delivered, failed, and the delivery
 * latency histogram `ocs_push_delivery_latency_seconds`, from the engine deciding a notification to the receiver's 2xx).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseLag, quantiles, type LagSnapshot } from './attach-lag';

export interface PushReceiver {
  url: string;
  /** Requests it answered (every one with 200). */
  received(): number;
  close(): Promise<void>;
}

/** A receiver on a free loopback port that answers every notification with 200 at once. */
export async function startPushReceiver(): Promise<PushReceiver> {
  let received = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received += 1;
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/push`,
    received: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface PushFigures {
  /** Push records the notifier took from the bus (delivered, failed or skipped). */
  produced: number;
  delivered: number;
  failed: number;
  /** Requests the receiver answered. */
  received: number;
  p50Ms: number;
  p99Ms: number;
}

interface PushSnapshot {
  sent: number;
  failed: number;
  skipped: number;
  latency: LagSnapshot;
}

/** The sum of the samples of counter `name` (over its labels) in a Prometheus text exposition. */
export function counter(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) if (/^([^\s{]+)(\{[^}]*\})?\s/.exec(line)?.[1] === name) sum += Number(line.split(/\s+/).at(-1));
  return sum;
}

async function readPush(url: string): Promise<PushSnapshot> {
  const text = await (await fetch(url)).text();
  return {
    sent: counter(text, 'ocs_push_notifications_sent_total'),
    failed: counter(text, 'ocs_push_notifications_failed_total'),
    skipped: counter(text, 'ocs_push_records_skipped_total'),
    latency: parseLag(text, 'ocs_push_delivery_latency_seconds'),
  };
}

/** Reads the notifier's figures now; the returned function gives what happened since, once the queue drained a while. */
export function measurePush(metricsUrl: string, receiver: PushReceiver): () => Promise<PushFigures | undefined> {
  const start = readPush(metricsUrl).catch(() => undefined);
  const received = receiver.received();
  return async () => {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const [from, to] = [await start, await readPush(metricsUrl).catch(() => undefined)];
    if (!from || !to) return undefined;
    const delivered = to.sent - from.sent;
    const failed = to.failed - from.failed;
    const { p50Ms, p99Ms } = quantiles(from.latency, to.latency);
    return { produced: delivered + failed + to.skipped - from.skipped, delivered, failed, received: receiver.received() - received, p50Ms, p99Ms };
  };
}
