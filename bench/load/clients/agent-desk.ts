import type { RoutingServerEvent, ServerEvent, SessionInfoEvent } from '@ocs/agent-protocol';
import { WebSocket } from 'ws';

/** How a desk takes chats from the built-in routing: the queue it serves, its chats at once, and whom it tells. */
export interface DeskRouting {
  queue: string;
  capacity: number;
  /** The chat `sessionId` was routed to `desk`, which enters it with `join`. */
  routed(sessionId: string, join: Record<string, unknown>, desk: AgentDesk): void;
  /** An offer could not be accepted (it expired, or the accept failed). */
  failed(error: Error): void;
}

interface Pending {
  resolve(reply: ServerEvent): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * An agent desktop on the agent WebSocket API: one connection, registered once and signed in to the built-in routing
 * (ready, serving one queue with a capacity), handling several chats. It accepts every chat offered and hands the
 * `routed` chat over to `routing`. Requests carry a requestId and resolve with their reply; messages of customers
 * (pushed, or in the join reply) go to the handler of their session.
 */
export class AgentDesk {
  private readonly pending = new Map<string, Pending>();
  private readonly chats = new Map<string, (text: string) => void>();
  private requests = 0;

  private constructor(
    private readonly ws: WebSocket,
    private readonly timeoutMs: number,
    private readonly routing: DeskRouting,
  ) {
    ws.on('message', (data) => this.receive(JSON.parse(data.toString()) as ServerEvent));
    ws.on('close', () => {
      for (const [id, p] of this.pending) this.settle(id, p, new Error('agent: connection closed'));
    });
  }

  static async connect(url: string, token: string, nickname: string, localAddress: string, timeoutMs: number, routing: DeskRouting): Promise<AgentDesk> {
    const ws = new WebSocket(url, { localAddress });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', (error) => reject(new Error(`agent connect: ${error.message}`)));
    });
    ws.on('error', () => undefined);
    const desk = new AgentDesk(ws, timeoutMs, routing);
    await desk.request('register', { type: 'register', token, nickname, userType: 'AGENT' });
    await desk.request('routingLogin', { type: 'routingLogin', capacity: { chat: routing.capacity }, queues: [routing.queue], ready: true });
    return desk;
  }

  /** Chats this desk is in. */
  get load(): number {
    return this.chats.size;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends routing's `join` for a chat; `onCustomerText` gets every customer message of it from then on. */
  async join(join: Record<string, unknown>, onCustomerText: (text: string) => void): Promise<void> {
    const sessionId = String(join.sessionId);
    this.chats.set(sessionId, onCustomerText);
    try {
      this.deliver((await this.request('join', join)) as SessionInfoEvent);
    } catch (error) {
      this.chats.delete(sessionId);
      throw error;
    }
  }

  async send(sessionId: string, text: string): Promise<void> {
    await this.request('message', { type: 'message', sessionId, text });
  }

  /** Leaves the chat and closes it (`FORCE_CLOSE`). */
  async release(sessionId: string): Promise<void> {
    try {
      await this.request('releaseParty', { type: 'releaseParty', sessionId, afterAction: 'FORCE_CLOSE' });
    } finally {
      this.chats.delete(sessionId);
    }
  }

  close(): void {
    this.ws.close();
  }

  /** Accepts an offer; a chat routed to this desk goes to `routing`. */
  private async accept(offerId: string): Promise<void> {
    try {
      const { event } = (await this.request('routingAccept', { type: 'routingAccept', offerId })) as RoutingServerEvent;
      if (event.type === 'routed') this.routing.routed(event.sessionId, event.join, this);
    } catch (error) {
      this.routing.failed(error as Error);
    }
  }

  /** Resolves with the reply to `body`; fails on an `error` reply or a routing refusal, naming `what` and its code. */
  private request(what: string, body: Record<string, unknown>): Promise<ServerEvent> {
    this.requests += 1;
    const requestId = `q${this.requests}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.settle(requestId, pending, new Error(`agent ${what}: no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      const pending: Pending = {
        resolve: (reply) => {
          if (reply.type === 'error') reject(new Error(`agent ${what}: ${reply.code}`));
          else if (reply.type === 'routing' && reply.event.type === 'refused') reject(new Error(`agent ${what}: ${reply.event.code}`));
          else resolve(reply);
        },
        reject,
        timer,
      };
      this.pending.set(requestId, pending);
      this.ws.send(JSON.stringify({ ...body, requestId }), (error) => error && this.settle(requestId, pending, new Error(`agent ${what}: ${error.message}`)));
    });
  }

  private settle(requestId: string, pending: Pending, outcome: ServerEvent | Error): void {
    if (!this.pending.delete(requestId)) return;
    clearTimeout(pending.timer);
    if (outcome instanceof Error) pending.reject(outcome);
    else pending.resolve(outcome);
  }

  /** Pushes go to their chat, offers are accepted; replies settle their request (a join reply is delivered by `join`). */
  private receive(event: ServerEvent): void {
    if (event.requestId === undefined) {
      if (event.type === 'sessionInfo') this.deliver(event);
      else if (event.type === 'routing' && event.event.type === 'offer') void this.accept(event.event.offerId);
      return;
    }
    const requestId = String(event.requestId);
    const pending = this.pending.get(requestId);
    if (pending) this.settle(requestId, pending, event);
  }

  private deliver(info: SessionInfoEvent): void {
    const onText = this.chats.get(info.sessionId);
    if (!onText) return;
    for (const e of info.events) if (e.kind === 'message' && e.userType === 'CLIENT' && e.text !== undefined) onText(e.text);
  }
}
