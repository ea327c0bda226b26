/**
 * The agent WebSocket API (docs/api/agent-websocket.md) as the desktop uses it: register, then requests answered by
 * `requestId`, and live `sessionInfo` pushes. When the connection drops it connects again with growing pauses and
 * registers again; the desktop then joins its chats again (a dropped connection has left them).
 */

export interface WireEvent {
  eventId: number;
  position: number;
  kind: 'newParty' | 'partyLeft' | 'message' | 'notice';
  at: number;
  userId: string;
  nickname: string;
  userType: string;
  visibility: 'ALL' | 'INT' | 'VIP';
  text?: string;
  noticeType?: string;
  receiverId?: string;
  userData?: Record<string, unknown>;
}

export interface SessionInfo {
  type: 'sessionInfo';
  requestId?: string;
  sessionId: string;
  userId: string;
  status: 'ALIVE' | 'CLOSED';
  monitored?: boolean;
  nextPosition: number;
  events: WireEvent[];
}

export interface ServerReply {
  type: string;
  requestId?: string;
  code?: string;
  message?: string;
  [key: string]: unknown;
}

export interface Registration {
  token: string;
  nickname: string;
  userType: 'AGENT' | 'SUPERVISOR';
}

export class AgentRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface AgentChannelEvents {
  pushed(info: SessionInfo): void;
  /** The connection is up and registered again after a drop. */
  reconnected(): void;
  link(up: boolean): void;
}

export class AgentChannel {
  private socket: WebSocket | undefined;
  private readonly pending = new Map<string, { resolve(reply: ServerReply): void; reject(error: Error): void }>();
  private counter = 0;
  private stopped = false;
  private retryMs = 500;

  private constructor(
    private readonly url: string,
    private readonly registration: Registration,
    private readonly on: AgentChannelEvents,
  ) {}

  /** Connects and registers; a refused token rejects (and nothing retries). */
  static async open(url: string, registration: Registration, on: AgentChannelEvents): Promise<AgentChannel> {
    const channel = new AgentChannel(url, registration, on);
    await channel.connect();
    return channel;
  }

  get nickname(): string {
    return this.registration.nickname;
  }

  get userType(): Registration['userType'] {
    return this.registration.userType;
  }

  /** Sends a request; resolves with its reply, rejects with the server's error. */
  request(body: Record<string, unknown>): Promise<ServerReply> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return Promise.reject(new AgentRefusal('OFFLINE', 'not connected; reconnecting'));
    const requestId = `c${++this.counter}`;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      socket.send(JSON.stringify({ ...body, requestId }));
    });
  }

  close(): void {
    this.stopped = true;
    this.socket?.close(1000, 'signed out');
  }

  private connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.url);
      this.socket = socket;
      let registered = false;
      socket.onopen = () => {
        this.request({ type: 'register', ...this.registration }).then(
          () => {
            registered = true;
            this.retryMs = 500;
            this.on.link(true);
            resolve();
          },
          (error: Error) => {
            // A refused token: no retry would help.
            if (error instanceof AgentRefusal && error.code !== 'OFFLINE') this.stopped = true;
            reject(error);
          },
        );
      };
      socket.onmessage = (message) => this.received(JSON.parse(String(message.data)) as ServerReply);
      socket.onclose = () => {
        for (const { reject: fail } of this.pending.values()) fail(new AgentRefusal('OFFLINE', 'the connection dropped'));
        this.pending.clear();
        if (!registered) reject(new AgentRefusal('OFFLINE', 'the agent service cannot be reached'));
        this.on.link(false);
        // Only a drop of a registered connection retries here; a failed reconnection retries from retry().
        if (!this.stopped && registered) this.retry();
      };
    });
  }

  private retry(): void {
    setTimeout(() => {
      if (this.stopped) return;
      this.connect().then(
        () => this.on.reconnected(),
        () => {
          if (this.stopped) return;
          this.retryMs = Math.min(this.retryMs * 2, 10_000);
          this.retry();
        },
      );
    }, this.retryMs);
  }

  private received(reply: ServerReply): void {
    const waiting = reply.requestId !== undefined ? this.pending.get(reply.requestId) : undefined;
    if (waiting) {
      this.pending.delete(reply.requestId as string);
      if (reply.type === 'error') waiting.reject(new AgentRefusal(String(reply.code), String(reply.message)));
      else waiting.resolve(reply);
    }
    if (reply.type === 'sessionInfo') this.on.pushed(reply as unknown as SessionInfo);
  }
}
