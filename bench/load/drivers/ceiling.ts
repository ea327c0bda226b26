import { WebSocket } from 'ws';
import { RestCustomer } from '../clients/customer';
import { firstArrival, type Measure } from '../measure';
import type { HttpCeilingTask, RelayCeilingTask, Target } from '../protocol';
import { Chat, DeskPool } from './chat';
import { inPool, type DriverOutcome, type WorkerEnv } from './env';

/** Chats (or bare pairs) opened at once while setting up a relay ceiling. */
const SETUP_CONCURRENCY = 32;

/**
 * Requests/s at a fixed concurrency: `concurrency` customers, each on its own keep-alive connection, refresh in a
 * closed loop for `durationMs`. Against the product they refresh their chat; against the bare server they send the
 * same requests, which it answers alike.
 */
export async function runHttpCeiling(task: HttpCeilingTask, target: Target, env: WorkerEnv, m: Measure): Promise<DriverOutcome> {
  let measuring = false;
  const customers = Array.from(
    { length: task.concurrency },
    () =>
      new RestCustomer(
        {
          base: target.http,
          service: task.service,
          localAddress: env.localAddress,
          timeoutMs: env.timeoutMs,
          events: { agentText: () => undefined, answered: (ms) => measuring && m.answered(ms), refused: (what) => m.error(what) },
        },
        0,
      ),
  );
  await Promise.all(customers.map((c, i) => c.start({ nickname: `Poller ${env.index}-${i}` })));
  measuring = true;
  const start = performance.now();
  const deadline = start + task.durationMs;
  await Promise.all(
    customers.map(async (c) => {
      while (performance.now() < deadline) await c.refresh().catch((error: unknown) => m.error(error));
    }),
  );
  const elapsedMs = performance.now() - start;
  measuring = false;
  for (const c of customers) c.close();
  return { elapsedMs };
}

/** A conversation whose two parties send bench messages to each other. */
interface Pair {
  send(toAgent: boolean, bytes: number): Promise<boolean>;
  dispose(): Promise<void>;
}

/** Resolves `next()` at the next arrival, or false after the timeout. */
class Baton {
  private wake: (() => void) | undefined;

  pass(): void {
    this.wake?.();
    this.wake = undefined;
  }

  next(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }
}

/** Two plain `ws` clients, customer and agent, paired through the bare relay. */
class BarePair implements Pair {
  private readonly sockets: Record<'customer' | 'agent', WebSocket>;

  private constructor(
    private readonly id: string,
    private readonly m: Measure,
    target: Target,
    localAddress: string,
    arrived: () => void,
  ) {
    const open = (role: 'customer' | 'agent') => {
      const ws = new WebSocket(`${target.ws}?pair=${id}&role=${role}`, { localAddress });
      const toAgent = role === 'agent';
      ws.on('message', (data) => firstArrival(m.arrived(toAgent ? 'toAgent' : 'toCustomer', this.stream(toAgent), data.toString())) && arrived());
      ws.on('error', (error) => m.error(`bare relay: ${error.message}`));
      return ws;
    };
    this.sockets = { customer: open('customer'), agent: open('agent') };
  }

  static async open(id: string, m: Measure, target: Target, localAddress: string, arrived: () => void): Promise<BarePair> {
    const pair = new BarePair(id, m, target, localAddress, arrived);
    await Promise.all(Object.values(pair.sockets).map((ws) => new Promise((resolve) => ws.once('open', resolve))));
    return pair;
  }

  send(toAgent: boolean, bytes: number): Promise<boolean> {
    const from = this.sockets[toAgent ? 'customer' : 'agent'];
    return this.m.send(
      this.stream(toAgent),
      bytes,
      (text) => new Promise<void>((resolve, reject) => from.send(text, (error) => (error ? reject(error) : resolve()))),
    );
  }

  async dispose(): Promise<void> {
    for (const ws of Object.values(this.sockets)) ws.close();
    for (const toAgent of [true, false]) this.m.ledger.close(this.stream(toAgent));
  }

  private stream(toAgent: boolean): string {
    return `${this.id}>${toAgent ? 'agent' : 'customer'}`;
  }
}

/**
 * Messages/s relayed at a fixed concurrency: `pairs` conversations each ping-pong one message at a time (customer to
 * agent, agent to customer, …) for `durationMs`. Against the product a pair is a CometD customer and an agent desk in
 * a routed chat; against the bare relay, two `ws` clients.
 */
export async function runRelayCeiling(task: RelayCeilingTask, target: Target, env: WorkerEnv, m: Measure): Promise<DriverOutcome> {
  const desks = new DeskPool(target, 1, env, m);
  const pairs: Array<{ pair: Pair; baton: Baton }> = [];
  await inPool(task.pairs, SETUP_CONCURRENCY, async (i) => {
    const baton = new Baton();
    try {
      if (task.against === 'bare') {
        pairs.push({ pair: await BarePair.open(`${env.index}-${i}`, m, target, env.localAddress, () => baton.pass()), baton });
        return;
      }
      const chat = new Chat({ ...task, transport: 'cometd', pollMs: 0 }, target, env, m, () => baton.pass());
      const dispose = () =>
        chat
          .release()
          .catch((error: unknown) => m.error(error))
          .finally(() => chat.dispose(desks));
      await chat.open(`Relay ${env.index}-${i}`, desks).catch(async (error: unknown) => {
        await dispose();
        throw error;
      });
      pairs.push({ pair: { send: (toAgent, bytes) => chat.send(toAgent, bytes), dispose }, baton });
    } catch (error) {
      m.error(error);
    }
  });
  const start = performance.now();
  const deadline = start + task.durationMs;
  await Promise.all(
    pairs.map(async ({ pair, baton }) => {
      for (let toAgent = true; performance.now() < deadline; toAgent = !toAgent) {
        const arrived = baton.next(env.timeoutMs);
        if (!(await pair.send(toAgent, task.messageBytes)) || !(await arrived)) break;
      }
    }),
  );
  const elapsedMs = performance.now() - start;
  await Promise.allSettled(pairs.map(({ pair }) => pair.dispose()));
  await desks.close();
  return { elapsedMs };
}
