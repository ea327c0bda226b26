/** What each chat's clients keep of a chaos run: what was acknowledged to them, what they saw, every error. */

export type Sender = 'customer' | 'agent' | 'esp';

export interface Acknowledged {
  from: Sender;
  text: string;
  /** Epoch ms of the acknowledgement. */
  at: number;
  /** Its transcript position, once a reply or a push showed it. */
  position?: number;
  /** An earlier attempt of this send got no answer: it may have been taken (a duplicate is then a retry's). */
  ambiguous?: boolean;
}

export interface ClientError {
  at: number;
  op: string;
  /** What the client was told: `HTTP 503`, `statusCode 1 (code 102)`, `agent NOT_OWNER`, `timeout`, `connection`. */
  status: string;
}

export interface ChatRecord {
  index: number;
  sessionId: string;
  customer: 'rest' | 'cometd';
  service: string;
  /** Subscribed to custom-http push notifications. */
  pushDevice?: string;
  acked: Acknowledged[];
  errors: ClientError[];
  /** Operations that still failed after every retry. */
  gaveUp: string[];
  /** Set when a client saw the chat end before its script closed it. */
  endedEarly?: string;
  /** Transcript positions the customer received, in order of arrival (replies repeat some: see `customerIndexes`). */
  customerPositions: number[];
  /** Positions pushed live to the agent (not those of join replies), in order. */
  agentLive: number[];
  /** Positions of the join replies (a rejoin after a restoration or a reconnection resumes the attachment). */
  agentJoins: Array<{ at: number; from: number; to: number }>;
  /** Texts of messages the customer read in a reply (no push is owed for them; its own: taken, not to be resent). */
  customerRead: Set<string>;
  scriptClosedAt?: number;
  closeSeen: boolean;
  /** The operation under way (for the progress line), undefined once the script ended. */
  current?: string;
}

export function newRecord(index: number, customer: 'rest' | 'cometd', service: string, pushDevice?: string): ChatRecord {
  return {
    index,
    sessionId: '',
    customer,
    service,
    pushDevice,
    acked: [],
    errors: [],
    gaveUp: [],
    customerPositions: [],
    agentLive: [],
    agentJoins: [],
    customerRead: new Set(),
    closeSeen: false,
  };
}

/** Errors and latencies per second of the run, for the report. */
export class Timeline {
  readonly errors = new Map<number, Map<string, number>>();
  readonly latencies = new Map<number, number[]>();

  constructor(readonly startedAt: number) {}

  second(at: number): number {
    return Math.floor((at - this.startedAt) / 1000);
  }

  error(at: number, status: string): void {
    const bucket = this.errors.get(this.second(at)) ?? new Map<string, number>();
    bucket.set(status, (bucket.get(status) ?? 0) + 1);
    this.errors.set(this.second(at), bucket);
  }

  latency(at: number, ms: number): void {
    const bucket = this.latencies.get(this.second(at)) ?? [];
    bucket.push(ms);
    this.latencies.set(this.second(at), bucket);
  }
}

/** A failure worth retrying, with what the client was told. */
export class Refusal extends Error {
  constructor(
    readonly status: string,
    /** The request may have been taken (no answer came). */
    readonly ambiguous = false,
  ) {
    super(status);
  }
}

export function statusOf(error: unknown): Refusal {
  if (error instanceof Refusal) return error;
  const text = error instanceof Error ? `${error.name} ${error.message} ${String((error as { cause?: unknown }).cause ?? '')}` : String(error);
  if (/timeout|aborted/i.test(text)) return new Refusal('timeout', true);
  if (/ECONNREFUSED/.test(text)) return new Refusal('connection refused');
  if (/ECONNRESET|socket|other side closed|fetch failed/i.test(text)) return new Refusal('connection lost', true);
  return new Refusal(error instanceof Error ? error.message.slice(0, 80) : text.slice(0, 80));
}

/** No attempt waits longer than this, whatever it waits for. */
const ATTEMPT_MS = 15_000;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Runs `attempt` until it succeeds, with backoff (200 ms doubling to 3 s) for at most `forMs` (an outage of a server and its restart fit in it); every failure is kept
 * in the record and the timeline. Resolves with the result and whether an attempt went unanswered, or undefined
 * after giving up (kept in `gaveUp`).
 */
export async function retry<T>(
  record: ChatRecord,
  timeline: Timeline,
  op: string,
  attempt: () => Promise<T>,
  forMs = 60_000,
): Promise<{ value: T; ambiguous: boolean } | undefined> {
  const deadline = Date.now() + forMs;
  let ambiguous = false;
  record.current = op;
  for (let delay = 200; ; delay = Math.min(delay * 2, 3_000)) {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const hard = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Refusal('timeout', true)), ATTEMPT_MS)));
    try {
      const value = await Promise.race([attempt(), hard]).finally(() => clearTimeout(timer));
      timeline.latency(started, Date.now() - started);
      return { value, ambiguous };
    } catch (error) {
      const refusal = statusOf(error);
      ambiguous ||= refusal.ambiguous;
      record.errors.push({ at: Date.now(), op, status: refusal.status });
      timeline.error(Date.now(), refusal.status);
      if (Date.now() + delay > deadline) {
        record.gaveUp.push(`${op}: ${refusal.status}`);
        return undefined;
      }
      await sleep(delay);
    }
  }
}

/** A progress line of the run on stdout. */
export function say(line: string): void {
  process.stdout.write(`${line}\n`);
}
