import type { ServerEvent, SessionInfoEvent, WireEvent } from '@ocs/agent-protocol';
import { WebSocket, type ClientOptions } from 'ws';
import { Inbox, WAIT_MS } from './inbox';

type Reply<K extends ServerEvent['type']> = Extract<ServerEvent, { type: K }>;

/** `promise`, or a failure naming `what` if it has not settled within WAIT_MS. */
export function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${WAIT_MS} ms`)), WAIT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** An agent desktop over the agent WebSocket API (real `ws` client): keeps every event it receives and lets a test wait for the next one that matches. */
export class AgentTestClient {
  private readonly inbox = new Inbox<ServerEvent>();
  private readonly closed: Promise<number>;
  private requests = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.inbox.push(JSON.parse(data.toString()) as ServerEvent));
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
  }

  static async connect(url: string, options?: ClientOptions): Promise<AgentTestClient> {
    const ws = new WebSocket(url, options);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new AgentTestClient(ws);
  }

  /** The close code, once the socket has closed. */
  closeCode(): Promise<number> {
    return within(this.closed, 'close');
  }

  /** Everything received so far, in order. */
  get history(): readonly ServerEvent[] {
    return this.inbox.history;
  }

  /** The next event, received or still to come, that matches. */
  next(match: (e: ServerEvent) => boolean, what: string): Promise<ServerEvent> {
    return this.inbox.next(match, what);
  }

  /** The next live sessionInfo (not a reply) of `sessionId` with an event that matches. */
  async pushed(sessionId: string, match: (e: WireEvent) => boolean, what: string): Promise<SessionInfoEvent> {
    return (await this.next(
      (e) => e.type === 'sessionInfo' && e.requestId === undefined && e.sessionId === sessionId && e.events.some(match),
      what,
    )) as SessionInfoEvent;
  }

  /** Sends a request with a fresh requestId and resolves with the reply to it. */
  async request(body: Record<string, unknown>): Promise<ServerEvent> {
    this.requests += 1;
    const requestId = `q${this.requests}`;
    this.ws.send(JSON.stringify({ ...body, requestId }));
    return this.next((e) => e.requestId === requestId, `reply to ${String(body.type)} ${requestId}`);
  }

  /** Sends a request and fails unless the reply is of the given type. */
  async expect<K extends ServerEvent['type']>(type: K, body: Record<string, unknown>): Promise<Reply<K>> {
    const reply = await this.request(body);
    if (reply.type !== type) throw new Error(`expected ${type}, got ${JSON.stringify(reply)}`);
    return reply as Reply<K>;
  }

  /** Closes the socket and waits until it is closed. */
  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close();
    await this.closed;
  }
}
