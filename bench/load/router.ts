import { httpJson, keepAlive } from './clients/http';
import { inPool } from './drivers/env';

/** Takes in flight at once. */
const TAKE_CONCURRENCY = 32;

interface Waiting {
  interactionId: string;
  sessionId: string;
}

interface Taken {
  sessionId: string;
  join: Record<string, unknown>;
}

type Dispatch = (worker: number, sessionId: string, join: Record<string, unknown>) => void;

/** How the parent has each chat a worker opened joined by an agent of that worker (`dispatch` of its `join`). */
export interface Routing {
  /** Worker `worker` opened `sessionId` and waits for it to be routed. */
  own(sessionId: string, worker: number): void;
  start(): void;
  stop(): Promise<void>;
  /** Joins handed to the workers, and routing requests that failed. */
  readonly taken: number;
  readonly errors: number;
}

/**
 * Routing in the cluster mode, which has no router surface: each session goes to an agent of the worker that opened
 * it as soon as the worker says so, with the join of an agent offered the chat (`{ type: 'join', sessionId }`, what
 * the embedded router's take returns for a session without password: the cluster bench turns
 * `session-password-enforce` off). Its interaction stays in its queue, and is stopped when the session closes
 * (`stop-abandoned-interaction`).
 */
export class DirectRouting implements Routing {
  taken = 0;
  readonly errors = 0;

  constructor(private readonly dispatch: Dispatch) {}

  own(sessionId: string, worker: number): void {
    this.taken += 1;
    this.dispatch(worker, sessionId, { type: 'join', sessionId });
  }

  start(): void {
    // Nothing to poll: joins go out as the workers ask.
  }

  async stop(): Promise<void> {
    // Nothing in flight.
  }
}

/**
 * Routing as the embedded product expects a person or a script to play it, through its router surface (`/router` on
 * the ESP port): list what waits in the queue, take each interaction, and hand its ready `join` to the agent side,
 * here the worker whose customer opened the session. Rounds run one after the other, `pollMs` apart.
 */
export class BenchRouter implements Routing {
  private readonly agent = keepAlive(TAKE_CONCURRENCY);
  private readonly owners = new Map<string, number>();
  /** Joins taken before the worker told us the session is its own. */
  private readonly unclaimed = new Map<string, Record<string, unknown>>();
  private running = false;
  private finished: Promise<void> = Promise.resolve();
  taken = 0;
  errors = 0;

  constructor(
    private readonly esp: string,
    private readonly queue: string,
    private readonly pollMs: number,
    private readonly timeoutMs: number,
    private readonly dispatch: Dispatch,
  ) {}

  own(sessionId: string, worker: number): void {
    const join = this.unclaimed.get(sessionId);
    if (join === undefined) {
      this.owners.set(sessionId, worker);
      return;
    }
    this.unclaimed.delete(sessionId);
    this.dispatch(worker, sessionId, join);
  }

  start(): void {
    this.running = true;
    this.finished = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.finished;
    this.agent.destroy();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const round = performance.now();
      try {
        const waiting = await this.call<Waiting[]>('GET', `/router/queues/${this.queue}/interactions`);
        await inPool(waiting.length, TAKE_CONCURRENCY, (i) => this.take(waiting[i]));
      } catch {
        this.errors += 1;
      }
      await new Promise((done) => setTimeout(done, Math.max(0, round + this.pollMs - performance.now())));
    }
  }

  private async take({ interactionId }: Waiting): Promise<void> {
    try {
      const { sessionId, join } = await this.call<Taken>('POST', `/router/interactions/${interactionId}/take`);
      this.taken += 1;
      const worker = this.owners.get(sessionId);
      if (worker === undefined) {
        this.unclaimed.set(sessionId, join);
        return;
      }
      this.owners.delete(sessionId);
      this.dispatch(worker, sessionId, join);
    } catch {
      this.errors += 1;
    }
  }

  private async call<T>(method: 'GET' | 'POST', path: string): Promise<T> {
    const { status, body } = await httpJson<T>(this.agent, method, new URL(path, this.esp), undefined, { what: `router ${method}`, timeoutMs: this.timeoutMs });
    if (status !== 200) throw new Error(`router ${method} ${path}: HTTP ${status}`);
    return body;
  }
}
