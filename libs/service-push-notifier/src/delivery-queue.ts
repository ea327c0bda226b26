import type { Attempt } from './receiver';

/** One notification to deliver: its stable id, the device whose order it keeps, and how to send it once. */
export interface DeliveryJob {
  id: string;
  deviceId: string;
  send(): Promise<Attempt>;
}

export interface DeliveryQueueOptions {
  /** Requests in flight at once, over all devices. */
  concurrency: number;
  /** Notifications taken in and not finished at most; `take` waits for room beyond. */
  queueSize: number;
  /** Tries after the first before a notification is given up. */
  retryAttempts: number;
  /** The wait before the first retry, doubled each retry up to `retryMaxDelayMs`. */
  retryDelayMs: number;
  retryMaxDelayMs: number;
  /** Told how each job ended, and of each retry. */
  events?: DeliveryEvents;
}

export interface DeliveryEvents {
  sent?(job: DeliveryJob, attempt: Attempt & { outcome: 'sent' }): void;
  retrying?(job: DeliveryJob, attempt: Attempt & { outcome: 'retry' }, tries: number, delayMs: number): void;
  failed?(job: DeliveryJob, attempt: Attempt, tries: number): void;
}

interface Entry {
  job: DeliveryJob;
  tries: number;
  finished: Promise<void>;
  finish: () => void;
}

interface Device {
  id: string;
  entries: Entry[];
  /** Sending, or waiting to retry its first entry: not ready for a slot. */
  busy: boolean;
}

/**
 * Delivers jobs in order per device and concurrently across devices: each device sends its next job only once the
 * one before is finished (delivered, refused, or given up after its retries), while devices share `concurrency`
 * slots, so a slow or failing device never holds up another. Retries back off exponentially (or as the receiver's
 * `Retry-After` says) without taking a slot while they wait. At most `queueSize` jobs are held: beyond, `take` waits,
 * which holds back whoever feeds the queue.
 */
export class DeliveryQueue {
  private readonly devices = new Map<string, Device>();
  /** Devices with a job to send and no request or retry running, in the order they became so. */
  private readonly ready: Device[] = [];
  private readonly held = new Map<string, Entry>();
  private readonly roomWaiters: Array<() => void> = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private sending = 0;
  private closed = false;

  constructor(private readonly options: DeliveryQueueOptions) {}

  /** Jobs taken in and not finished. */
  get depth(): number {
    return this.held.size;
  }

  /**
   * Takes a job in once there is room; the returned `finished` resolves when the job is delivered, refused or given
   * up. A job whose id is already held is not taken twice: its `finished` is the held one's.
   */
  async take(job: DeliveryJob): Promise<{ finished: Promise<void> }> {
    while (this.held.size >= this.options.queueSize && !this.held.has(job.id)) await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    const existing = this.held.get(job.id);
    if (existing) return { finished: existing.finished };
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const entry: Entry = { job, tries: 0, finished, finish };
    this.held.set(job.id, entry);
    let device = this.devices.get(job.deviceId);
    if (!device) this.devices.set(job.deviceId, (device = { id: job.deviceId, entries: [], busy: false }));
    device.entries.push(entry);
    if (device.entries.length === 1 && !device.busy) this.ready.push(device);
    this.pump();
    return { finished };
  }

  /** Stops retry timers and sending more; what is held stays unfinished (a bus delivers it again). */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private pump(): void {
    while (!this.closed && this.sending < this.options.concurrency && this.ready.length > 0) {
      const device = this.ready.shift() as Device;
      device.busy = true;
      this.sending += 1;
      void this.attempt(device, device.entries[0]);
    }
  }

  private async attempt(device: Device, entry: Entry): Promise<void> {
    entry.tries += 1;
    let attempt: Attempt;
    try {
      attempt = await entry.job.send();
    } catch (error) {
      attempt = { outcome: 'retry', reason: error instanceof Error ? error.message : String(error) };
    }
    this.sending -= 1;
    if (this.closed) return;
    const { events, retryAttempts } = this.options;
    if (attempt.outcome === 'retry' && entry.tries <= retryAttempts) {
      const delayMs = attempt.retryAfterMs ?? this.backoff(entry.tries);
      events?.retrying?.(entry.job, attempt, entry.tries, delayMs);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        device.busy = false;
        this.ready.push(device);
        this.pump();
      }, delayMs);
      this.timers.add(timer);
    } else {
      if (attempt.outcome === 'sent') events?.sent?.(entry.job, attempt);
      else events?.failed?.(entry.job, attempt, entry.tries);
      this.finish(device, entry);
    }
    this.pump();
  }

  private finish(device: Device, entry: Entry): void {
    device.entries.shift();
    device.busy = false;
    this.held.delete(entry.job.id);
    entry.finish();
    if (device.entries.length > 0) this.ready.push(device);
    else this.devices.delete(device.id);
    this.roomWaiters.shift()?.();
  }

  private backoff(tries: number): number {
    const { retryDelayMs, retryMaxDelayMs } = this.options;
    return Math.min(retryDelayMs * 2 ** (tries - 1), retryMaxDelayMs);
  }
}
