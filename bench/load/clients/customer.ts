import { CometD, type Message } from 'cometd';
import { adapt } from 'cometd-nodejs-client';
import type { Agent } from 'node:http';
import { WebSocket } from 'ws';
import type { CometdTransport } from '../protocol';
import { httpJson, keepAlive } from './http';

/** The GMS Chat API v2 reply, as far as the load generator reads it. */
export interface ChatV2Reply {
  statusCode: number;
  chatEnded: boolean;
  chatId?: string;
  userId?: string;
  secureKey?: string;
  alias?: string;
  nextPosition?: number;
  messages?: Array<{ from: { type: string }; index: number; type: string; text?: string }>;
  errors?: Array<{ code: number; message: string }>;
}

/** What a simulated customer reports to its driver. */
export interface CustomerEvents {
  /** A message of an agent arrived. */
  agentText(text: string): void;
  /** An HTTP request (REST) or a publish (CometD) of the customer was answered after `ms`. */
  answered(ms: number): void;
  /** The server refused an operation in a reply pushed on the channel (CometD). */
  refused(what: string): void;
}

export interface CustomerOptions {
  /** Base URL of the customer API. */
  base: string;
  service: string;
  /**
   * Source address of the customer's REST connections (the worker's own 127.0.0.x). CometD WebSockets leave from the
   * default address instead: see `adaptOnce`.
   */
  localAddress: string;
  timeoutMs: number;
  events: CustomerEvents;
}

/** A customer of GMS Chat API v2, over REST short polling or CometD. */
export interface Customer {
  /** Requests the chat; resolves with its chatId. */
  start(fields: Record<string, string>): Promise<string>;
  /** Sends a message; fails when the server refused it. */
  send(text: string): Promise<void>;
  /** Resolves true once the customer saw the chat end, false after `waitMs`; then lets its connections go. */
  finish(waitMs: number): Promise<boolean>;
  /** Lets its connections go at once. */
  close(): void;
}

/** Resolved once the chat ended for the customer. */
class Ending {
  ended = false;
  private waiters: Array<() => void> = [];

  end(): void {
    this.ended = true;
    for (const wake of this.waiters.splice(0)) wake();
  }

  wait(ms: number): Promise<boolean> {
    if (this.ended) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

function refusal(what: string, status: number, reply: ChatV2Reply): Error {
  return new Error(`${what}: HTTP ${status}, ${reply.errors?.map((e) => `code ${e.code}`).join(', ') ?? `statusCode ${reply.statusCode}`}`);
}

/**
 * A customer as Genesys Widgets behaves in short-polling mode: form POSTs over its own keep-alive connections,
 * `refresh` every `pollMs` (0: only when told) with the `nextPosition` it last got. Entries are taken once by their
 * `index` (replies to overlapping requests repeat them, as the protocol allows).
 */
export class RestCustomer implements Customer {
  private readonly agent: Agent = keepAlive(2);
  private readonly ending = new Ending();
  private identity: Record<string, string> = {};
  private chatPath = '';
  private position = 1;
  private lastIndex = 0;
  private poller: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: CustomerOptions,
    private readonly pollMs: number,
  ) {}

  async start(fields: Record<string, string>): Promise<string> {
    const reply = await this.post('requestChat', `/genesys/2/chat/${this.options.service}/`, fields);
    const { chatId = '', userId = '', secureKey = '', alias = '' } = reply;
    this.identity = { userId, secureKey, alias };
    this.chatPath = `/genesys/2/chat/${this.options.service}/${chatId}`;
    if (this.pollMs > 0) this.poller = setTimeout(() => this.poll(), Math.random() * this.pollMs);
    return chatId;
  }

  /** One `refresh` now, besides the polling. */
  async refresh(): Promise<void> {
    await this.op('refresh');
  }

  async send(text: string): Promise<void> {
    await this.op('send', { message: text });
  }

  async finish(waitMs: number): Promise<boolean> {
    const ended = await this.ending.wait(waitMs);
    this.close();
    return ended;
  }

  close(): void {
    clearTimeout(this.poller);
    this.poller = undefined;
    this.agent.destroy();
  }

  private poll(): void {
    this.op('refresh')
      .catch(() => undefined)
      .finally(() => {
        if (this.poller !== undefined && !this.ending.ended) this.poller = setTimeout(() => this.poll(), this.pollMs);
      });
  }

  private op(operation: string, fields: Record<string, string> = {}): Promise<ChatV2Reply> {
    return this.post(operation, `${this.chatPath}/${operation}`, { ...this.identity, transcriptPosition: String(this.position), ...fields });
  }

  private async post(what: string, path: string, form: Record<string, string>): Promise<ChatV2Reply> {
    const started = performance.now();
    const { base, localAddress, timeoutMs, events } = this.options;
    const { status, body } = await httpJson<ChatV2Reply>(this.agent, 'POST', new URL(path, base), { form }, { what: `rest ${what}`, localAddress, timeoutMs });
    events.answered(performance.now() - started);
    this.take(body);
    if (status !== 200 || body.statusCode !== 0) throw refusal(`rest ${what}`, status, body);
    return body;
  }

  private take(reply: ChatV2Reply): void {
    for (const m of reply.messages ?? []) {
      if (m.index <= this.lastIndex) continue;
      this.lastIndex = m.index;
      if (m.type === 'Message' && m.from.type === 'Agent' && m.text !== undefined) this.options.events.agentText(m.text);
    }
    if (reply.nextPosition !== undefined) this.position = Math.max(this.position, reply.nextPosition);
    if (reply.chatEnded) this.ending.end();
  }
}

let adapted = false;

/** Told of each WebSocket cometd.js creates (synchronously in `handshake()`), to explain a failure. */
let onSocket: ((socket: TracedWebSocket) => void) | undefined;

/**
 * `ws` as cometd.js's `window.WebSocket`, remembering what happened to the connection: cometd.js reports any failure
 * to open it as a bare "Error" close and a handshake that "could not negotiate transport".
 *
 * No source address (`localAddress`): an explicit one makes Node bind() the socket before connecting, and the kernel
 * then searches that address's whole ephemeral range for a free port, one held by no other socket whatever its
 * destination. With thousands of connections open, that search cost 1 to 2 ms of CPU per connection in the worker's
 * event loop (16 % of a worker's busy time at 5,000 sessions, more with more), which delayed everything else the worker
 * does. connect() without bind() picks a port unique only for its destination, cheaply: the range (28,232 ports) is
 * then shared by the workers for the server's one port, more than the 18,000 WebSockets of 15,000 sessions.
 */
class TracedWebSocket extends WebSocket {
  readonly createdAt = performance.now();
  openedAt: number | undefined;
  failure: string | undefined;

  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
    this.once('open', () => (this.openedAt = performance.now()));
    this.once('error', (error) => (this.failure ??= error.message));
    onSocket?.(this);
  }

  /** What became of the connection, for an error message: `WebSocket failed: …`, `not open after n s`, `open`. */
  state(): string {
    if (this.failure !== undefined) return `WebSocket failed: ${this.failure}`;
    if (this.openedAt === undefined) return `WebSocket not open after ${Math.round((performance.now() - this.createdAt) / 1000)} s`;
    return `WebSocket opened in ${Math.round((this.openedAt - this.createdAt) / 1000)} s`;
  }
}

/** Installs cometd.js's Node transports once per process, with `TracedWebSocket` as the WebSocket. */
function adaptOnce(): void {
  if (adapted) return;
  adapt();
  const window = (globalThis as { window?: { WebSocket?: unknown } }).window;
  if (window) window.WebSocket = TracedWebSocket;
  adapted = true;
}

/**
 * A customer over GMS Chat API v2 with CometD, on the real cometd.js client: handshake, subscribe to
 * `/service/chatV2/{service}`, publish operations; replies and transcript increments arrive on that channel.
 */
export class CometdCustomer implements Customer {
  private readonly cometd: CometD;
  private readonly channel: string;
  private readonly ending = new Ending();
  private secureKey = '';
  private started: ((reply: ChatV2Reply) => void) | undefined;

  constructor(
    private readonly options: CustomerOptions,
    transport: CometdTransport,
  ) {
    adaptOnce();
    this.cometd = new CometD();
    this.channel = `/service/chatV2/${options.service}`;
    for (const other of transport === 'websocket' ? ['long-polling', 'callback-polling'] : ['websocket']) this.cometd.unregisterTransport(other);
    this.cometd.configure({ url: `${options.base}/genesys/cometd`, logLevel: 'warn' });
  }

  async start(fields: Record<string, string>): Promise<string> {
    let socket: TracedWebSocket | undefined;
    onSocket = (created) => (socket = created);
    const handshake = new Promise<Message>((resolve) => this.cometd.handshake(resolve));
    onSocket = undefined;
    // A failed handshake names what happened to its WebSocket (the server never answering, or the connection).
    await this.within('cometd handshake', handshake, () => socket?.state() ?? 'no WebSocket');
    await this.within(
      'cometd subscribe',
      new Promise<Message>((resolve) => this.cometd.subscribe(this.channel, (m) => this.take(m.data as ChatV2Reply), resolve)),
    );
    const reply = new Promise<ChatV2Reply>((resolve) => (this.started = resolve));
    await this.publish('requestChat', { operation: 'requestChat', ...fields });
    const started = await this.within(
      'cometd requestChat reply',
      reply.then((r) => ({ successful: r.statusCode === 0, data: r })),
    );
    this.secureKey = started.data.secureKey ?? '';
    return started.data.chatId ?? '';
  }

  async send(text: string): Promise<void> {
    await this.publish('sendMessage', { operation: 'sendMessage', secureKey: this.secureKey, message: text });
  }

  async finish(waitMs: number): Promise<boolean> {
    const ended = await this.ending.wait(waitMs);
    this.close();
    return ended;
  }

  close(): void {
    this.cometd.disconnect();
  }

  private async publish(what: string, data: Record<string, unknown>): Promise<void> {
    const started = performance.now();
    await this.within(`cometd ${what}`, new Promise<Message>((resolve) => this.cometd.publish(this.channel, data, resolve)));
    this.options.events.answered(performance.now() - started);
  }

  /** `reply` if it is successful within the timeout; otherwise a failure naming `what` (and `why()`, if given). */
  private async within<T extends { successful?: boolean }>(what: string, reply: Promise<T>, why?: () => string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const because = () => (why ? ` (${why()})` : '');
    const timeout = new Promise<never>(
      (_, reject) =>
        (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${this.options.timeoutMs} ms${because()}`)), this.options.timeoutMs)),
    );
    try {
      const answer = await Promise.race([reply, timeout]);
      if (!answer.successful) throw new Error(`${what}: refused${because()}`);
      return answer;
    } finally {
      clearTimeout(timer);
    }
  }

  private take(reply: ChatV2Reply): void {
    const refused = (reply.errors?.length ?? 0) > 0;
    if (this.started && (reply.secureKey !== undefined || refused)) {
      this.started(reply);
      this.started = undefined;
    } else if (refused) this.options.events.refused(refusal('cometd reply', 200, reply).message);
    for (const m of reply.messages ?? []) if (m.type === 'Message' && m.from.type === 'Agent' && m.text !== undefined) this.options.events.agentText(m.text);
    if (reply.chatEnded) this.ending.end();
  }
}
