import { readSessionEvent, TOPICS, type PushNotice } from '@ocs/contracts';
import type { BusRecord, BusSubscription, EventBus, TakenRecord } from '@ocs/ports';
import { DeliveryQueue, type DeliveryQueueOptions } from './delivery-queue';
import { notificationBody, type BodyOptions } from './notification-body';
import { Receiver, type Attempt, type ReceiverOptions } from './receiver';

/** The consumer group of the push-notifier on `TOPICS.sessionEvents`. */
export const PUSH_NOTIFIER_GROUP = 'push-notifier';

/** The one device type delivered: GMS's custom HTTP notification. */
export const CUSTOM_HTTP = 'customhttp';

export interface PushNotifierOptions {
  receiver: ReceiverOptions;
  body: BodyOptions;
  delivery: Omit<DeliveryQueueOptions, 'events'>;
  /** A notice decided longer ago than this (milliseconds) is skipped as stale; 0: none is. */
  maxAgeMs: number;
}

/** What the notifier reports, for metrics; every method optional. */
export interface PushMetricsSink {
  sent?(latencyMs: number): void;
  failed?(reason: 'refused' | 'exhausted'): void;
  retried?(): void;
  skipped?(reason: 'malformed' | 'device-type' | 'expired'): void;
}

/** Where the notifier logs: a pino `Logger` fits. */
export interface PushLogger {
  debug(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/**
 * Delivers the push notifications the session engine publishes (`push` records of `TOPICS.sessionEvents`) to the
 * custom-http receiver, in its own consumer group. Each record is taken in (`TakenRecord`) once queued, and handled
 * once delivered, refused or given up, so the bus acknowledges a record only after every earlier one of its partition
 * is finished: what was queued when the process died comes again, with the same notification id. Records of other
 * types are passed over; a malformed record, one for a device type other than `customhttp`, and one older than
 * `maxAgeMs` (a notifier back after a long outage, or a new consumer group reading the topic from its start, sends
 * no stale triggers) are counted, logged and skipped. Logs name notifications by id and session, never the device or the content.
 */
export class PushNotifier {
  private readonly receiver: Receiver;
  private readonly queue: DeliveryQueue;
  private subscription: BusSubscription | undefined;
  private metrics: PushMetricsSink = {};

  constructor(
    private readonly bus: EventBus,
    private readonly options: PushNotifierOptions,
    private readonly logger: PushLogger,
  ) {
    this.receiver = new Receiver(options.receiver);
    this.queue = new DeliveryQueue({
      ...options.delivery,
      events: {
        retrying: (job, attempt, tries, delayMs) => {
          this.metrics.retried?.();
          this.logger.debug({ notificationId: job.id, tries, delayMs, reason: attempt.reason }, 'push notification not delivered yet, trying again');
        },
        failed: (job, attempt, tries) => {
          this.metrics.failed?.(attempt.outcome === 'refused' ? 'refused' : 'exhausted');
          this.logger.warn({ notificationId: job.id, tries, ...outcomeFields(attempt) }, 'push notification given up');
        },
      },
    });
  }

  /** Notifications taken in and not finished. */
  get depth(): number {
    return this.queue.depth;
  }

  /** Where the notifier's figures go (metrics). */
  observe(metrics: PushMetricsSink): void {
    this.metrics = metrics;
  }

  async start(): Promise<void> {
    this.subscription ??= await this.bus.subscribe(TOPICS.sessionEvents, PUSH_NOTIFIER_GROUP, (record) => this.handle(record));
  }

  /** Stops consuming and sending; what was taken in and not finished is not acknowledged, so it comes again. */
  async stop(): Promise<void> {
    this.queue.close();
    await this.subscription?.close();
    this.subscription = undefined;
    this.receiver.close();
  }

  private async handle(record: BusRecord): Promise<TakenRecord | undefined> {
    const read = readSessionEvent(record.value, ['push']);
    if ('ignored' in read) return undefined;
    if ('problem' in read) {
      this.metrics.skipped?.('malformed');
      this.logger.warn({ key: record.key, problem: read.problem }, 'malformed push record skipped');
      return undefined;
    }
    if (read.value.type !== 'push') return undefined;
    const { sessionId, push } = read.value;
    if (push.subscription.deviceType !== CUSTOM_HTTP) {
      this.metrics.skipped?.('device-type');
      this.logger.warn(
        { sessionId, notificationId: push.id, deviceType: push.subscription.deviceType.slice(0, 40) },
        'push notification for an unknown device type skipped',
      );
      return undefined;
    }
    const { maxAgeMs } = this.options;
    if (maxAgeMs > 0 && Date.now() - push.at > maxAgeMs) {
      this.metrics.skipped?.('expired');
      // Debug: a consumer group reading the topic from its start may pass over many at once (counted in the metrics).
      this.logger.debug({ sessionId, notificationId: push.id, at: push.at }, 'push notification older than [push] max-age skipped');
      return undefined;
    }
    const body = JSON.stringify(notificationBody(sessionId, push, this.options.body));
    const { finished } = await this.queue.take({ id: push.id, deviceId: push.subscription.deviceId, send: () => this.send(push, body) });
    return { handled: finished };
  }

  private async send(push: PushNotice, body: string): Promise<Attempt> {
    const attempt = await this.receiver.post(push.id, body);
    if (attempt.outcome === 'sent') this.metrics.sent?.(Date.now() - push.at);
    return attempt;
  }
}

function outcomeFields(attempt: Attempt): object {
  return attempt.outcome === 'retry' ? { reason: attempt.reason } : { status: attempt.status };
}
