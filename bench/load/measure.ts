import { MessageLedger, messageText, parseMessageText, type Arrival } from './accounting';
import { Latency } from './latency';
import type { Counters, TaskResult } from './protocol';

/** Distinct error kinds kept; past it they are counted under one key. */
const MAX_ERROR_KINDS = 50;

export function emptyCounters(): Counters {
  return { held: 0, created: 0, closed: 0, messages: 0, requests: 0, errors: 0 };
}

/** What a worker measures during one task: counters, message accounting, latency histograms and errors. */
export class Measure {
  readonly counters = emptyCounters();
  readonly ledger = new MessageLedger();
  private readonly latency = new Map<string, Latency>();
  private readonly errors = new Map<string, number>();

  /** Counts a failure by its message (ids and port numbers taken out, so that alike failures add up). */
  error(error: unknown): void {
    this.counters.errors += 1;
    const text = (error instanceof Error ? error.message : String(error))
      .replace(/[0-9A-Fa-f]{16,}/g, '…')
      .replace(/:\d{2,5}\b/g, ':…')
      .slice(0, 120);
    const key = this.errors.has(text) || this.errors.size < MAX_ERROR_KINDS ? text : 'other errors';
    this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
  }

  record(name: string, ms: number): void {
    let histogram = this.latency.get(name);
    if (!histogram) {
      histogram = Latency.empty();
      this.latency.set(name, histogram);
    }
    histogram.record(ms);
  }

  /** An HTTP request or a publish was answered after `ms`. */
  answered(ms: number): void {
    this.counters.requests += 1;
    this.record('request', ms);
  }

  /**
   * A text arrived on `stream`: a bench message is checked (once, in order) and, on its first arrival, counted and
   * its latency since it was sent recorded under `name`. Undefined for any other text.
   */
  arrived(name: string, stream: string, text: string): Arrival | undefined {
    const message = parseMessageText(text);
    if (!message) return undefined;
    const arrival = this.ledger.receive(stream, message.seq);
    if (firstArrival(arrival)) {
      this.counters.messages += 1;
      this.record(name, performance.now() - message.sentAt);
    }
    return arrival;
  }

  /**
   * Sends the next bench message of `stream` (numbered, stamped with the send time, `bytes` long) through `deliver`;
   * false, with the error counted and the message not expected, when that fails.
   */
  async send(stream: string, bytes: number, deliver: (text: string) => Promise<void>): Promise<boolean> {
    const seq = this.ledger.send(stream);
    try {
      await deliver(messageText(seq, performance.now(), bytes));
      return true;
    } catch (error) {
      this.ledger.refuse(stream, seq);
      this.error(error);
      return false;
    }
  }

  /** The task's result; `elapsedMs`: how long its measured part took. */
  result(elapsedMs: number): TaskResult {
    return {
      counters: { ...this.counters },
      elapsedMs,
      accounting: this.ledger.finish(),
      latency: Object.fromEntries([...this.latency].map(([name, h]) => [name, h.encode()])),
      errors: Object.fromEntries(this.errors),
    };
  }
}

/** Whether an arrival was the first of its message. */
export function firstArrival(arrival: Arrival | undefined): boolean {
  return arrival === 'in-order' || arrival === 'reordered';
}
