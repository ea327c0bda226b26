import { AgentDesk, type DeskRouting } from '../clients/agent-desk';
import { CometdCustomer, RestCustomer, type Customer, type CustomerOptions } from '../clients/customer';
import { firstArrival, type Measure } from '../measure';
import { routedQueue, routedService, type ChatTask, type CometdTransport, type CustomerTransport, type Target } from '../protocol';
import { sleepUntil, type DriverOutcome, type WorkerEnv } from './env';

/**
 * Agent WebSockets (like the CometD customers' ones, see `TracedWebSocket` in clients/customer.ts) connect without
 * choosing a source address: `''` makes Node skip the bind() before connect(), whose search for a free port of the
 * worker's own address cost 1 to 2 ms of CPU per connection once thousands were open.
 */
const DEFAULT_SOURCE_ADDRESS = '';

/** A chat routing handed to a desk of the worker: the desk, the `join` that enters it, and when it came. */
interface Routed {
  desk: AgentDesk;
  join: Record<string, unknown>;
  at: number;
}

/**
 * The agent desks of a worker, signed in to the built-in routing for the worker's own queue with `chatsPerAgent`
 * chats each, and always one desk more than the chats open need. Routing decides which desk gets a chat; the chat
 * waits for it by its session id (`routedTo`). A chat routed that no customer of the worker claims in time (its
 * Request Chat failed on the client's side) is entered and closed, so that it does not hold an agent's slot.
 */
export class DeskPool {
  private readonly desks = new Set<Promise<AgentDesk>>();
  private readonly routing: DeskRouting;
  private readonly waiting = new Map<string, (routed: Routed) => void>();
  private readonly unclaimed = new Map<string, Routed>();
  private open = 0;
  private made = 0;

  constructor(
    private readonly target: Target,
    private readonly chatsPerAgent: number,
    private readonly env: WorkerEnv,
    private readonly m: Measure,
  ) {
    this.routing = {
      queue: routedQueue(env.index),
      capacity: chatsPerAgent,
      routed: (sessionId, join, desk) => this.routed(sessionId, { desk, join, at: performance.now() }),
      failed: (error) => m.error(error),
    };
  }

  /** Room for one more chat: desks are connected until their capacity exceeds the chats open by a desk's worth. */
  reserve(): void {
    this.open += 1;
    while (this.desks.size * this.chatsPerAgent < this.open + this.chatsPerAgent) this.connect();
  }

  release(): void {
    this.open -= 1;
  }

  /** Resolves once routing handed chat `sessionId` to a desk of this pool; fails after the worker's timeout. */
  routedTo(sessionId: string): Promise<Routed> {
    const early = this.unclaimed.get(sessionId);
    if (early) {
      this.unclaimed.delete(sessionId);
      return Promise.resolve(early);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(sessionId);
        reject(new Error(`routing: not routed within ${this.env.timeoutMs} ms`));
      }, this.env.timeoutMs);
      this.waiting.set(sessionId, (routed) => {
        clearTimeout(timer);
        this.waiting.delete(sessionId);
        resolve(routed);
      });
    });
  }

  async close(): Promise<void> {
    const desks = await Promise.allSettled(this.desks);
    for (const d of desks) if (d.status === 'fulfilled') d.value.close();
  }

  private connect(): void {
    this.made += 1;
    const nickname = `Agent ${this.env.index}-${this.made}`;
    const desk = AgentDesk.connect(this.target.ws, this.target.agentToken, nickname, DEFAULT_SOURCE_ADDRESS, this.env.timeoutMs, this.routing);
    this.desks.add(desk);
    desk.catch((error: unknown) => {
      this.desks.delete(desk);
      this.m.error(error);
    });
  }

  /** A chat routed before its customer learnt its id waits here, until claimed or, unclaimed in time, closed. */
  private routed(sessionId: string, routed: Routed): void {
    const waiter = this.waiting.get(sessionId);
    if (waiter) return waiter(routed);
    this.unclaimed.set(sessionId, routed);
    setTimeout(() => {
      if (!this.unclaimed.delete(sessionId)) return;
      routed.desk
        .join(routed.join, () => undefined)
        .then(() => routed.desk.release(sessionId))
        .catch((error: unknown) => this.m.error(error));
    }, this.env.timeoutMs).unref();
  }
}

/** The Request Chat keys that subscribe a customer to custom-http push notifications (docs/push-notifications.md). */
function pushSubscription(nickname: string): Record<string, string> {
  return {
    'userData[GCTI_Chat_PushSubscribe]': 'true',
    'userData[GCTI_GMS_PushDeviceId]': `device-${nickname.replace(/\W/g, '-')}`,
    'userData[GCTI_GMS_PushDeviceType]': 'customhttp',
  };
}

export interface ChatSetup {
  transport: CustomerTransport;
  cometdTransport: CometdTransport;
  pollMs: number;
}

/**
 * One chat as the load generator plays it: a customer requests it on the worker's service, the built-in routing
 * offers it to an agent desk of the worker, which accepts and joins with routing's `join`. Bench messages go both
 * ways; each first arrival is reported to `arrived` (`toAgent` tells the direction).
 */
export class Chat {
  chatId = '';
  private readonly customer: Customer;
  private reserved = false;
  private desk: AgentDesk | undefined;

  constructor(
    setup: ChatSetup,
    private readonly target: Target,
    private readonly env: WorkerEnv,
    private readonly m: Measure,
    private readonly arrived: (toAgent: boolean) => void,
  ) {
    const options: CustomerOptions = {
      base: target.http,
      service: routedService(env.index),
      localAddress: env.localAddress,
      timeoutMs: env.timeoutMs,
      events: {
        agentText: (text) => this.arrival(false, text),
        answered: (ms) => m.answered(ms),
        refused: (what) => m.error(what),
      },
    };
    this.customer = setup.transport === 'rest' ? new RestCustomer(options, setup.pollMs) : new CometdCustomer(options, setup.cometdTransport);
  }

  /**
   * Requests the chat and has the desk routing picks join it; records the assignment latency, from the request to the
   * chat routed to the desk.
   */
  async open(nickname: string, desks: DeskPool, push = false): Promise<void> {
    const requested = performance.now();
    desks.reserve();
    this.reserved = true;
    this.chatId = await this.customer.start({ nickname, ...(push ? pushSubscription(nickname) : {}) });
    this.m.counters.created += 1;
    const { desk, join, at } = await desks.routedTo(this.chatId);
    this.m.record('assignment', at - requested);
    await desk.join(join, (text) => this.arrival(true, text));
    this.desk = desk;
  }

  /** Sends the next bench message of the customer (`toAgent`) or of the agent; false if it failed. */
  send(toAgent: boolean, bytes: number): Promise<boolean> {
    const desk = this.desk;
    if (!desk) return Promise.resolve(false);
    return this.m.send(this.stream(toAgent), bytes, (text) => (toAgent ? this.customer.send(text) : desk.send(this.chatId, text)));
  }

  /** The agent (once joined) leaves and closes the chat (`FORCE_CLOSE`). */
  async release(): Promise<void> {
    await this.desk?.release(this.chatId);
  }

  /** Resolves once the customer saw the chat end, failing after `waitMs`. */
  async customerSeesEnd(waitMs: number): Promise<void> {
    if (!(await this.customer.finish(waitMs))) throw new Error(`customer: chat end not seen within ${waitMs} ms`);
  }

  /** Lets every connection of the chat go and settles its message accounting. */
  dispose(desks: DeskPool): void {
    this.customer.close();
    if (this.reserved) desks.release();
    this.reserved = false;
    this.m.ledger.close(this.stream(true));
    this.m.ledger.close(this.stream(false));
  }

  private stream(toAgent: boolean): string {
    return `${this.chatId}>${toAgent ? 'agent' : 'customer'}`;
  }

  private arrival(toAgent: boolean, text: string): void {
    if (firstArrival(this.m.arrived(toAgent ? 'toAgent' : 'toCustomer', this.stream(toAgent), text))) this.arrived(toAgent);
  }
}

/** Counts first arrivals against messages sent; `settled(deadline)` resolves once all arrived, or at the deadline. */
export class Arrivals {
  sent = 0;
  private got = 0;
  private wake: (() => void) | undefined;

  arrived(): void {
    this.got += 1;
    if (this.got >= this.sent) this.wake?.();
  }

  settled(deadline: number): Promise<void> {
    if (this.got >= this.sent) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, deadline - performance.now()));
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/**
 * The reference scenario (and churn): sessions open at `ratePerSecond` for `openMs`; each requests a chat, is routed
 * to an agent, exchanges `messagesPerSide` messages each way spread evenly over `sessionMs` (customer first), and
 * the agent closes it at its end, once it has the customer's messages (waiting at most `graceMs` longer). The
 * customer then sees the end, and with it any agent message still on its way (a REST customer at its next refresh).
 * Sessions count as held from the request until the close.
 */
export async function runChat(task: ChatTask, target: Target, env: WorkerEnv, m: Measure): Promise<DriverOutcome> {
  const desks = new DeskPool(target, task.chatsPerAgent, env, m);
  const live = new Set<Promise<void>>();
  const start = performance.now();
  for (let n = 0; task.ratePerSecond > 0; n++) {
    const due = start + (n * 1000) / task.ratePerSecond;
    if (due - start >= task.openMs) break;
    await sleepUntil(due);
    const push = (task.pushEvery ?? 0) > 0 && n % (task.pushEvery ?? 1) === 0;
    const session: Promise<void> = referenceSession(task, target, env, m, desks, `Customer ${env.index}-${n}`, push).finally(() => live.delete(session));
    live.add(session);
  }
  while (live.size > 0) await Promise.all(live);
  await desks.close();
  return { elapsedMs: performance.now() - start };
}

async function referenceSession(task: ChatTask, target: Target, env: WorkerEnv, m: Measure, desks: DeskPool, nickname: string, push = false): Promise<void> {
  const base = performance.now();
  const arrivals = new Arrivals();
  const chat = new Chat(task, target, env, m, (toAgent) => toAgent && arrivals.arrived());
  m.counters.held += 1;
  let held = true;
  try {
    await chat.open(nickname, desks, push);
    const steps = 2 * task.messagesPerSide;
    for (let k = 1; k <= steps; k++) {
      await sleepUntil(base + (k * task.sessionMs) / (steps + 1));
      const toAgent = k % 2 === 1;
      if ((await chat.send(toAgent, task.messageBytes)) && toAgent) arrivals.sent += 1;
    }
    await arrivals.settled(Math.max(performance.now(), base + task.sessionMs) + task.graceMs);
    await sleepUntil(base + task.sessionMs);
    await chat.release();
    m.counters.closed += 1;
    m.counters.held -= 1;
    held = false;
    await chat.customerSeesEnd(task.graceMs + task.pollMs);
  } catch (error) {
    m.error(error);
  } finally {
    if (held) m.counters.held -= 1;
    chat.dispose(desks);
  }
}
