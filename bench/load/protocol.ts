/** What the bench parent and its load-generator workers tell each other over the fork IPC channel. */
import type { Tally } from './accounting';

export type CustomerTransport = 'rest' | 'cometd';

/** Most load-generator workers a run may have: the bench configuration has a routed service for each. */
export const MAX_WORKERS = 16;

/**
 * The service whose chats worker `worker` opens, and the queue they wait in: each worker has its own, served by its
 * own agents only, so the built-in routing hands every chat to an agent of the worker that opened it (and the
 * worker's message accounting sees both sides).
 */
export function routedService(worker: number): string {
  return `bench-w${worker}`;
}

export function routedQueue(worker: number): string {
  return `bench_w${worker}`;
}
export type CometdTransport = 'websocket' | 'long-polling';

/** Where the workers send their load: the product's customer and agent APIs, or a bare baseline server. */
export interface Target {
  /** Base URL of the customer API (product) or of the bare server. */
  http: string;
  /** The agent WebSocket (product) or the bare relay. */
  ws: string;
  agentToken: string;
}

/** Chat sessions between customers and agents: the reference scenario, the churn and the active part of async. */
export interface ChatTask {
  kind: 'chat';
  transport: CustomerTransport;
  cometdTransport: CometdTransport;
  /** New sessions per second (this worker's share), opened for `openMs`. */
  ratePerSecond: number;
  openMs: number;
  /** Planned length of a session: its messages are spread over it; 0 = each message as soon as possible. */
  sessionMs: number;
  messagesPerSide: number;
  messageBytes: number;
  chatsPerAgent: number;
  /** REST customers refresh this often. */
  pollMs: number;
  /** How long a session waits, after its last message was due, for the messages still on their way. */
  graceMs: number;
  /** Every this many sessions, the customer subscribes to push notifications at Request Chat (absent or 0: none). */
  pushEvery?: number;
}

/** Async sessions with a customer present, no agent and rare messages, held until the worker stops. */
export interface DormantTask {
  kind: 'dormant';
  service: string;
  sessions: number;
  /** Requests in flight at once while creating them. */
  concurrency: number;
  messageBytes: number;
  /** Each dormant customer sends one more message this often (0 = only the first one). */
  messageIntervalMs: number;
}

/** Closed-loop requests at a fixed concurrency: the product's `refresh`, or the bare server's equivalent. */
export interface HttpCeilingTask {
  kind: 'http-ceiling';
  against: 'product' | 'bare';
  service: string;
  concurrency: number;
  durationMs: number;
}

/** Closed-loop message ping-pong between the two parties of `pairs` chats: product or bare `ws` relay. */
export interface RelayCeilingTask {
  kind: 'relay-ceiling';
  against: 'product' | 'bare';
  cometdTransport: CometdTransport;
  pairs: number;
  durationMs: number;
  messageBytes: number;
}

export type Task = ChatTask | DormantTask | HttpCeilingTask | RelayCeilingTask;

/** Running totals a worker reports every second. */
export interface Counters {
  /** Sessions opened (requested) and not yet closed. */
  held: number;
  created: number;
  closed: number;
  /** Bench messages received by their other party. */
  messages: number;
  /** HTTP requests answered (REST customers, ceilings). */
  requests: number;
  errors: number;
}

/** What a worker measured in one task. */
export interface TaskResult {
  counters: Counters;
  /** How long the measured part of the task took (for the ceilings: the closed loop), in ms. */
  elapsedMs: number;
  accounting: Tally;
  /** Latency histograms (encoded `Latency`), by name: `toAgent`, `toCustomer`, `request`, `relay`, … */
  latency: Record<string, string>;
  /** Error counts by what failed. */
  errors: Record<string, number>;
}

export type ToWorker = { type: 'run'; task: Task; target: Target } | { type: 'stop' };

export type FromWorker = { type: 'ready' } | { type: 'tick'; counters: Counters } | { type: 'done'; result: TaskResult } | { type: 'failed'; error: string };
