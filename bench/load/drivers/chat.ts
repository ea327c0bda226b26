import { AgentDesk } from '../clients/agent-desk';
import { CometdCustomer, RestCustomer, type Customer, type CustomerOptions } from '../clients/customer';
import { firstArrival, type Measure } from '../measure';
import type { ChatTask, CometdTransport, CustomerTransport, Target } from '../protocol';
import { sleepUntil, type DriverOutcome, type WorkerEnv } from './env';

/**
 * Agent WebSockets (like the CometD customers' ones, see `TracedWebSocket` in clients/customer.ts) connect without
 * choosing a source address: `''` makes Node skip the bind() before connect(), whose search for a free port of the
 * worker's own address cost 1 to 2 ms of CPU per connection once thousands were open.
 */
const DEFAULT_SOURCE_ADDRESS = '';

interface Slot {
  desk: Promise<AgentDesk>;
  chats: number;
}

/** The agent desks of a worker, each in up to `chatsPerAgent` chats; a new desk connects when all are full. */
export class DeskPool {
  private readonly slots = new Set<Slot>();
  private readonly free = new Set<Slot>();
  private made = 0;

  constructor(
    private readonly target: Target,
    private readonly chatsPerAgent: number,
    private readonly env: WorkerEnv,
  ) {}

  /** A place for one more chat at a desk (connected, or connecting). */
  acquire(): Slot {
    let slot = this.free.values().next().value;
    if (!slot) {
      this.made += 1;
      const desk = AgentDesk.connect(
        this.target.ws,
        this.target.agentToken,
        `Agent ${this.env.index}-${this.made}`,
        DEFAULT_SOURCE_ADDRESS,
        this.env.timeoutMs,
      );
      const made: Slot = { desk, chats: 0 };
      desk.catch(() => this.drop(made));
      this.slots.add(made);
      this.free.add(made);
      slot = made;
    }
    slot.chats += 1;
    if (slot.chats >= this.chatsPerAgent) this.free.delete(slot);
    return slot;
  }

  release(slot: Slot): void {
    slot.chats -= 1;
    if (this.slots.has(slot)) this.free.add(slot);
  }

  async close(): Promise<void> {
    const desks = await Promise.allSettled([...this.slots].map((s) => s.desk));
    for (const d of desks) if (d.status === 'fulfilled') d.value.close();
  }

  private drop(slot: Slot): void {
    this.slots.delete(slot);
    this.free.delete(slot);
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
  service: string;
  pollMs: number;
}

/**
 * One chat as the load generator plays it: a customer requests it, the parent's router takes its interaction and an
 * agent desk joins with the router's `join`. Bench messages go both ways; each first arrival is reported to
 * `arrived` (`toAgent` tells the direction).
 */
export class Chat {
  chatId = '';
  private readonly customer: Customer;
  private slot: Slot | undefined;
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
      service: setup.service,
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

  /** Requests the chat and has an agent of `desks` join it once routed. */
  async open(nickname: string, desks: DeskPool, push = false): Promise<void> {
    this.chatId = await this.customer.start({ nickname, ...(push ? pushSubscription(nickname) : {}) });
    this.m.counters.created += 1;
    const join = await this.env.route(this.chatId);
    this.slot = desks.acquire();
    const desk = await this.slot.desk;
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
    if (this.slot) desks.release(this.slot);
    this.slot = undefined;
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
  const desks = new DeskPool(target, task.chatsPerAgent, env);
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
