import { httpJson, keepAlive } from './clients/http';
import { quantiles, readLag, type AttachLag } from './attach-lag';
import { measurePush, type PushFigures } from './push-figures';
import { onProduct, steadyOf, withPool, type Harness, type RunContext, type Steady } from './harness';
import type { Mode, Options, Scenario } from './options';
import { share, type Merged } from './pool';
import type { ChatTask, CustomerTransport, Task } from './protocol';
import { probeRpcCost, type RpcCost } from './rpc-cost';
import type { Sample } from './sampler';
import { ASYNC_QUEUE, ASYNC_SERVICE } from './servers';

/** REST customers of the churn refresh this often, so that a session lasts about a second. */
const CHURN_POLL_MS = 500;
/** Every this many churn customers subscribes to push notifications at Request Chat (a quarter of them). */
const CHURN_PUSH_EVERY = 4;
/** Pause before and after creating dormant sessions, so that the memory samples are of a settled server. */
const SETTLE_MS = 3000;
/** Longest wait for the interactions of the dormant sessions to reach their queue. */
const QUEUED_WAIT_MS = 180_000;

export interface ScenarioResult {
  scenario: Exclude<Scenario, 'ceilings'>;
  mode: Mode;
  title: string;
  parameters: Record<string, number | string>;
  clients: Merged;
  steady: Steady;
  /** Async: memory of the dormant sessions, measured before the active ones start. */
  dormant?: {
    sessions: number;
    rssBytesPerSession: number;
    heapBytesPerSession: number;
    creationSeconds: number;
    /** How long after the last was created their interactions were all in their queue (undefined: not within the wait). */
    queuedAfterSeconds?: number;
  };
  /** Churn, where the attacher runs: its lag from a session's close to its statistics attached, over the run and each half. */
  attachLag?: AttachLag;
  /** Churn, embedded: the push notifications its subscribed customers caused, delivered to a local receiver. */
  push?: PushFigures;
  /** Cluster, REST: engine RPC calls per customer REST operation, probed before the load. */
  rpcCost?: RpcCost;
  samples: Sample[];
}

/** The reference session: `sessions` held at once, each `sessionSeconds` long, opened for ramp-up and steady state. */
function referenceTask(o: Options, transport: CustomerTransport, sessions: number): ChatTask {
  return {
    kind: 'chat',
    transport,
    cometdTransport: o.cometdTransport,
    ratePerSecond: sessions / o.sessionSeconds / o.workers,
    openMs: (o.sessionSeconds + o.steadySeconds) * 1000,
    sessionMs: o.sessionSeconds * 1000,
    messagesPerSide: o.messagesPerSide,
    messageBytes: o.messageBytes,
    chatsPerAgent: o.chatsPerAgent,
    pollMs: o.pollSeconds * 1000,
    graceMs: o.graceSeconds * 1000,
  };
}

function parametersOf(task: ChatTask, o: Options, sessions: number): Record<string, number | string> {
  return {
    sessions,
    transport: task.transport === 'cometd' ? `cometd (${task.cometdTransport})` : `rest (refresh every ${task.pollMs / 1000} s)`,
    sessionsPerSecond: Math.round(task.ratePerSecond * o.workers * 10) / 10,
    sessionSeconds: task.sessionMs / 1000,
    openSeconds: task.openMs / 1000,
    messagesPerSide: task.messagesPerSide,
    messageBytes: task.messageBytes,
    chatsPerAgent: task.chatsPerAgent,
    workers: o.workers,
  };
}

/** What the title of a scenario says of the mode: nothing for the embedded product. */
function modeNote(o: Options): string {
  return o.mode === 'cluster' ? ', cluster (3 engines, 2 gateways, every message saved)' : '';
}

/** Runs `task` in every worker (rate split evenly) and sums up the window `[from, to]` seconds after its start. */
async function runChatTask(h: Harness, task: ChatTask, window: (start: number) => [number, number]): Promise<{ clients: Merged; steady: Steady }> {
  const start = h.sampler.now();
  const clients = await h.pool.run(() => task, h.product.targets);
  const [from, to] = window(start);
  return { clients, steady: steadyOf(h.sampler.samples, from, to) };
}

/** The reference scenario, all sessions active, with CometD or REST short-polling customers. */
export async function reference(ctx: RunContext, transport: CustomerTransport): Promise<ScenarioResult> {
  const o = ctx.options;
  const sessions = transport === 'cometd' ? o.cometdSessions : o.restSessions;
  const task = referenceTask(o, transport, sessions);
  return withPool(ctx, (pool) =>
    onProduct(ctx, pool, async (h) => {
      const { engineMetrics } = h.product;
      const rpcCost = transport === 'rest' && engineMetrics ? await probeRpcCost(h.product.targets[0].http, engineMetrics) : undefined;
      const { clients, steady } = await runChatTask(h, task, (start) => [start + o.sessionSeconds, start + o.sessionSeconds + o.steadySeconds]);
      return {
        ...(rpcCost ? { rpcCost } : {}),
        scenario: transport,
        mode: o.mode,
        title: `${transport === 'cometd' ? 'CometD' : 'REST short polling'}, all active, ${sessions.toLocaleString('en-US')} sessions${modeNote(o)}`,
        parameters: parametersOf(task, o, sessions),
        clients,
        steady,
        samples: h.sampler.samples,
      };
    }),
  );
}

/** Sessions created and closed per second: short REST chats (one message each way) opened at `churnRate`. */
export async function churn(ctx: RunContext): Promise<ScenarioResult> {
  const o = ctx.options;
  const task: ChatTask = {
    ...referenceTask(o, 'rest', 0),
    ratePerSecond: o.churnRate / o.workers,
    openMs: o.churnSeconds * 1000,
    sessionMs: 0,
    messagesPerSide: 1,
    pollMs: CHURN_POLL_MS,
    pushEvery: CHURN_PUSH_EVERY,
  };
  return withPool(ctx, (pool) =>
    onProduct(ctx, pool, async (h) => {
      const lag = h.product.reportingMetrics ? measureAttachLag(h.product.reportingMetrics, (1 + o.churnSeconds / 2) * 1000) : undefined;
      const push = h.product.push ? measurePush(h.product.push.metrics, h.product.push.receiver) : undefined;
      const { clients, steady } = await runChatTask(h, task, (start) => [start + 1, start + 1 + o.churnSeconds]);
      const attachLag = await lag?.();
      const pushed = await push?.();
      return {
        ...(attachLag ? { attachLag } : {}),
        ...(pushed ? { push: pushed } : {}),
        scenario: 'churn',
        mode: o.mode,
        title: `Session churn (REST), ${o.churnRate}/s for ${o.churnSeconds} s${modeNote(o)}`,
        parameters: { ...parametersOf(task, o, 0), sessions: '-', sessionsPerSecond: o.churnRate, churnSeconds: o.churnSeconds },
        clients,
        steady,
        samples: h.sampler.samples,
      };
    }),
  );
}

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Longest wait after the churn for the attacher to attach the statistics of the last sessions. */
const ATTACH_SETTLE_MS = 15_000;

/**
 * Starts reading the attacher's lag histogram now and `midMs` later; the returned function, called after the run,
 * waits until the statistics attached stop growing (or `ATTACH_SETTLE_MS`) and gives the lag of each half.
 */
function measureAttachLag(url: string, midMs: number): () => Promise<AttachLag | undefined> {
  const start = readLag(url).catch(() => undefined);
  const mid = pause(midMs).then(() => readLag(url).catch(() => undefined));
  return async () => {
    const until = Date.now() + ATTACH_SETTLE_MS;
    let end = await readLag(url).catch(() => undefined);
    for (;;) {
      await pause(500);
      const next = await readLag(url).catch(() => undefined);
      const settled = next?.at(-1)?.[1] === end?.at(-1)?.[1];
      end = next;
      if (settled || Date.now() > until) break;
    }
    const [first, middle] = [await start, await mid];
    if (!first || !middle || !end) return undefined;
    return { whole: quantiles(first, end), firstHalf: quantiles(first, middle), secondHalf: quantiles(middle, end) };
  };
}

/**
 * Seconds until `count` interactions wait in `queue` (the interaction bridge has submitted them all), read from the
 * router surface every 2 s; undefined if that takes longer than `waitMs`.
 */
async function queuedAfter(esp: string, queue: string, count: number, waitMs: number): Promise<number | undefined> {
  const agent = keepAlive(1);
  const start = performance.now();
  try {
    while (performance.now() - start < waitMs) {
      const queues = await httpJson<Array<{ queue: string; waiting: number }>>(agent, 'GET', new URL('/router/queues', esp), undefined, {
        what: 'router queues',
        timeoutMs: waitMs,
      }).catch(() => undefined);
      if ((queues?.body.find((q) => q.queue === queue)?.waiting ?? 0) >= count) return Math.round((performance.now() - start) / 100) / 10;
      await pause(2000);
    }
    return undefined;
  } finally {
    agent.destroy();
  }
}

/**
 * Async 1:N: dormant sessions (customer present, no agent, one message) are created first; once their interactions
 * are all queued (the server has done all it does for a new session), the server's memory is compared with before.
 * Then the active ones run the reference scenario (CometD) while the dormant are held.
 */
export async function asyncSessions(ctx: RunContext): Promise<ScenarioResult> {
  const o = ctx.options;
  const dormant = Math.round((o.asyncSessions * o.asyncRatio) / (o.asyncRatio + 1));
  const active = o.asyncSessions - dormant;
  const task = referenceTask(o, 'cometd', active);
  return withPool(ctx, (pool) =>
    onProduct(ctx, pool, async (h) => {
      const { esp } = h.product;
      if (esp === undefined) throw new Error('the async scenario waits on the router surface of the embedded mode');
      await pause(SETTLE_MS);
      const before = await h.sampler.sample(true);
      const created = await pool.run(
        (i): Task => ({
          kind: 'dormant',
          service: ASYNC_SERVICE,
          sessions: share(dormant, pool.size, i),
          concurrency: Math.max(1, Math.ceil(o.dormantConcurrency / pool.size)),
          messageBytes: o.messageBytes,
          messageIntervalMs: o.dormantMessageSeconds * 1000,
        }),
        h.product.targets,
      );
      const queuedAfterSeconds = await queuedAfter(esp, ASYNC_QUEUE, created.counters.created, QUEUED_WAIT_MS);
      await pause(SETTLE_MS);
      const after = await h.sampler.sample(true);
      const count = Math.max(1, created.counters.created);
      const perSession = (a: number | undefined, b: number | undefined) =>
        a === undefined || b === undefined ? NaN : Math.round(((a - b) * 1024 * 1024) / count);
      const { clients, steady } = await runChatTask(h, task, (start) => [start + o.sessionSeconds, start + o.sessionSeconds + o.steadySeconds]);
      for (const [what, n] of Object.entries(created.errors)) clients.errors[what] = (clients.errors[what] ?? 0) + n;
      clients.counters.errors += created.counters.errors;
      return {
        scenario: 'async',
        mode: o.mode,
        title: `Async 1:${o.asyncRatio}, ${o.asyncSessions.toLocaleString('en-US')} sessions (dormant REST + active CometD)`,
        parameters: { ...parametersOf(task, o, active), sessions: o.asyncSessions, dormant, active, dormantMessageSeconds: o.dormantMessageSeconds },
        clients,
        steady,
        dormant: {
          sessions: created.counters.created,
          rssBytesPerSession: perSession(after?.serverRssMb, before?.serverRssMb),
          heapBytesPerSession: perSession(after?.heapUsedMb, before?.heapUsedMb),
          creationSeconds: Math.round(created.elapsedMs / 100) / 10,
          queuedAfterSeconds,
        },
        samples: h.sampler.samples,
      };
    }),
  );
}
