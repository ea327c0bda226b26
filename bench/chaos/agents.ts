import { WebSocket } from 'ws';
import { Refusal, type ChatRecord } from './records';

interface WireEvent {
  position: number;
  kind: string;
  userType: string;
  userId: string;
  text?: string;
  quitReasonCode?: string;
}
interface Event {
  type: string;
  requestId?: string;
  sessionId?: string;
  userId?: string;
  code?: string;
  position?: number;
  events?: WireEvent[];
}

const TIMEOUT_MS = 10_000;

/**
 * An agent desktop on the agent WebSocket: registers, joins chats by session id, and comes back by itself: a lost
 * connection is opened again (on the next gateway) and every chat joined again; a party-left of its own with quit
 * reason 8 (the session restored on another node) is answered by joining again. Join replies and live pushes are
 * recorded apart, so the check sees whether an attachment resumed without a gap or a duplicate.
 */
export class ChaosAgent {
  private ws: WebSocket | undefined;
  private readonly pending = new Map<string, (event: Event) => void>();
  private readonly chats = new Map<string, { record: ChatRecord; userId?: string; live: boolean }>();
  private requests = 0;
  private connecting: Promise<void> | undefined;
  private closed = false;
  private attempt = 0;

  constructor(
    private readonly urls: string[],
    private readonly token: string,
    private readonly nickname: string,
  ) {}

  /** Opens (again) a connection and registers; every chat it is in is joined again. */
  connect(): Promise<void> {
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  async join(record: ChatRecord): Promise<void> {
    this.chats.set(record.sessionId, { record, live: false });
    await this.joinOne(record.sessionId);
  }

  async send(sessionId: string, text: string): Promise<number | undefined> {
    return (await this.request({ type: 'message', sessionId, text })).position;
  }

  async release(sessionId: string): Promise<void> {
    await this.request({ type: 'releaseParty', sessionId, afterAction: 'FORCE_CLOSE' });
    this.chats.delete(sessionId);
  }

  close(): void {
    this.closed = true;
    this.ws?.close();
  }

  private async open(): Promise<void> {
    const url = this.urls[this.attempt++ % this.urls.length];
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Refusal('timeout', true));
      }, TIMEOUT_MS);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve();
      });
      ws.once('error', (error) => {
        clearTimeout(timer);
        reject(new Refusal(/ECONNREFUSED/.test(error.message) ? 'connection refused' : 'connection lost'));
      });
    });
    ws.on('error', () => undefined);
    ws.on('message', (data) => this.receive(JSON.parse(data.toString()) as Event));
    ws.on('close', () => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      for (const chat of this.chats.values()) chat.live = false;
      for (const [id, settle] of this.pending) {
        this.pending.delete(id);
        settle({ type: 'error', code: 'connection lost' });
      }
    });
    this.ws = ws;
    await this.request({ type: 'register', token: this.token, nickname: this.nickname, userType: 'AGENT' });
  }

  private async joinOne(sessionId: string): Promise<void> {
    const chat = this.chats.get(sessionId);
    if (!chat) return;
    const reply = await this.request({ type: 'join', sessionId }).catch((error: unknown) => {
      // An earlier attempt joined after all (its answer came too late): this connection is in the session.
      if (error instanceof Refusal && error.status === 'agent ALREADY_JOINED') return undefined;
      throw error;
    });
    chat.live = true;
    if (!reply) return;
    const positions = (reply.events ?? []).map((e) => e.position);
    chat.userId = reply.userId;
    chat.record.agentJoins.push({ at: Date.now(), from: Math.min(...positions), to: Math.max(...positions) });
  }

  private async request(body: Record<string, unknown>): Promise<Event> {
    if (!this.ws && body.type !== 'register') await this.connect();
    const ws = this.ws;
    if (!ws) throw new Refusal('connection lost');
    const requestId = `r${++this.requests}`;
    const reply = await new Promise<Event>((resolve) => {
      const timer = setTimeout(() => this.pending.get(requestId)?.({ type: 'error', code: 'timeout' }), TIMEOUT_MS);
      this.pending.set(requestId, (event) => {
        clearTimeout(timer);
        this.pending.delete(requestId);
        resolve(event);
      });
      ws.send(JSON.stringify({ ...body, requestId }), (error) => error && this.pending.get(requestId)?.({ type: 'error', code: 'connection lost' }));
    });
    if (reply.type === 'error') throw new Refusal(`agent ${reply.code}`, reply.code === 'timeout' || reply.code === 'connection lost');
    return reply;
  }

  private receive(event: Event): void {
    if (event.requestId !== undefined) {
      this.pending.get(String(event.requestId))?.(event);
      return;
    }
    if (event.type !== 'sessionInfo' || !event.sessionId) return;
    const chat = this.chats.get(event.sessionId);
    if (!chat) return;
    chat.userId ??= event.userId;
    for (const e of event.events ?? []) {
      chat.record.agentLive.push(e.position);
      const acked = chat.record.acked.find((a) => a.text === e.text && a.position === undefined);
      if (acked) acked.position = e.position;
      if (e.kind === 'partyLeft' && e.userId === chat.userId && e.quitReasonCode === '8') {
        // Restored on another node: the party is gone there; join again.
        chat.live = false;
        void this.rejoin(event.sessionId);
      } else if (e.kind === 'partyLeft' && e.userId === chat.userId && chat.record.scriptClosedAt === undefined) {
        chat.record.endedEarly ??= `the agent was removed (quit reason ${e.quitReasonCode}) at ${new Date().toISOString()}`;
      }
    }
  }

  /** Joins again until it is in (or the chat is released), e.g. after it learns its party was removed. */
  async rejoin(sessionId: string): Promise<void> {
    for (let delay = 200; !this.closed && this.chats.has(sessionId); delay = Math.min(delay * 2, 3_000)) {
      try {
        return await this.joinOne(sessionId);
      } catch {
        await new Promise((done) => setTimeout(done, delay));
      }
    }
  }

  /** Reconnects and rejoins every chat after a lost connection; the driver calls it before each agent step. */
  async ensure(): Promise<void> {
    if (this.ws) return;
    await this.connect();
    for (const sessionId of this.chats.keys()) await this.rejoin(sessionId);
  }
}
