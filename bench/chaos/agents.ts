import type { RoutingAgentMessage } from '@ocs/contracts';
import { WebSocket } from 'ws';
import { Refusal, statusOf, type ChatRecord } from './records';
import type { RoutingDesk } from './routing-desk';

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
  event?: RoutingAgentMessage;
}
type Routed = Extract<RoutingAgentMessage, { type: 'routed' }>;
interface Chat {
  record: ChatRecord;
  join: Routed['join'];
  userId?: string;
}

const TIMEOUT_MS = 10_000;
/** How long an agent keeps asking for an offer it accepted (the answer lost with its gateway). */
const ACCEPT_MS = 60_000;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * An agent desktop on the agent WebSocket, taking chats from the built-in routing: it registers, signs in to routing
 * ready with a capacity, accepts every offer and joins the chat with the `join` routing hands over. It comes back by
 * itself: a lost connection is opened again (on the next gateway), the agent signs in to routing again (within the
 * grace period it keeps its chats and offers) and joins every chat again; a party-left of its own with quit reason 8
 * (the session restored on another node) is answered by joining again. Join replies and live pushes are recorded
 * apart, so the check sees whether an attachment resumed without a gap or a duplicate.
 */
export class ChaosAgent {
  private ws: WebSocket | undefined;
  private readonly pending = new Map<string, (event: Event) => void>();
  private readonly chats = new Map<string, Chat>();
  private readonly offers = new Set<string>();
  private readonly live = new Set<string>();
  private requests = 0;
  private reviving: Promise<void> | undefined;
  private closed = false;
  private attempt = 0;

  constructor(
    private readonly urls: string[],
    private readonly token: string,
    readonly nickname: string,
    private readonly routing: { capacity: number; queues: string[]; desk: RoutingDesk<ChaosAgent> },
  ) {}

  /** Connected, signed in to routing and in every chat of its own (again, after a lost connection). */
  ensure(): Promise<void> {
    if (this.ws) return Promise.resolve();
    this.reviving ??= this.revive().finally(() => (this.reviving = undefined));
    return this.reviving;
  }

  /** In the chat of `sessionId` (joined since its last connection). */
  isIn(sessionId: string): boolean {
    return this.live.has(sessionId);
  }

  async send(sessionId: string, text: string): Promise<number | undefined> {
    // The text is unique in its chat: as its client message id, a resend after an unanswered attempt is harmless.
    return (await this.request({ type: 'message', sessionId, text, clientMessageId: text })).position;
  }

  async release(sessionId: string): Promise<void> {
    await this.request({ type: 'releaseParty', sessionId, afterAction: 'FORCE_CLOSE' });
    this.chats.delete(sessionId);
  }

  close(): void {
    this.closed = true;
    this.ws?.close();
  }

  private async revive(): Promise<void> {
    for (let delay = 200; !this.closed && !this.ws; delay = Math.min(delay * 2, 3_000)) {
      try {
        await this.open();
      } catch {
        await sleep(delay);
      }
    }
    for (const sessionId of this.chats.keys()) void this.rejoin(sessionId);
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
      for (const settle of [...this.pending.values()]) settle({ type: 'error', code: 'connection lost' });
      if (this.ws !== ws) return;
      this.ws = undefined;
      this.live.clear();
      // Away from routing, no offer reaches it: it comes back by itself, not only when its scripts need it.
      if (!this.closed) void this.ensure();
    });
    try {
      // As a desktop registers its agent: with the person's id, which also lets a message resent by the agent's new
      // party after a lost connection be known as sent (client message ids of the person, not only of the party).
      await this.request({ type: 'register', token: this.token, nickname: this.nickname, personId: `person-${this.nickname}`, userType: 'AGENT' }, ws);
      const { capacity, queues } = this.routing;
      const presence = await this.request({ type: 'routingLogin', capacity: { chat: capacity }, queues, ready: true }, ws);
      if (presence.event?.type !== 'presence') throw new Refusal(`routing ${presence.event?.type === 'refused' ? presence.event.code : presence.event?.type}`);
    } catch (error) {
      ws.terminate();
      throw error;
    }
    this.ws = ws;
  }

  /** Accepts an offer until routing answers it: `routed` (the chat is its own) or a refusal (it goes elsewhere). */
  private async accept(offerId: string): Promise<void> {
    for (let delay = 200, deadline = Date.now() + ACCEPT_MS; !this.closed && Date.now() < deadline; delay = Math.min(delay * 2, 3_000)) {
      try {
        await this.ensure();
        const answer = (await this.request({ type: 'routingAccept', offerId })).event;
        if (answer?.type === 'routed') await this.take(offerId, answer);
        return;
      } catch {
        await sleep(delay);
      }
    }
  }

  private async take(offerId: string, routed: Routed): Promise<void> {
    const { desk } = this.routing;
    if (!desk.routed(this.nickname, this, offerId, routed.interactionId, routed.sessionId) || this.chats.has(routed.sessionId)) return;
    const record = await desk.record(routed.sessionId);
    this.chats.set(routed.sessionId, { record, join: routed.join });
    await this.rejoin(routed.sessionId);
  }

  private async joinOne(sessionId: string): Promise<void> {
    const chat = this.chats.get(sessionId);
    if (!chat) return;
    const reply = await this.request({ ...chat.join }).catch((error: unknown) => {
      // An earlier attempt joined after all (its answer came too late): this connection is in the session.
      if (error instanceof Refusal && error.status === 'agent ALREADY_JOINED') return undefined;
      throw error;
    });
    this.live.add(sessionId);
    this.routing.desk.joined(sessionId);
    if (!reply) return;
    const positions = (reply.events ?? []).map((e) => e.position);
    chat.userId = reply.userId;
    chat.record.agentJoins.push({ at: Date.now(), from: Math.min(...positions), to: Math.max(...positions) });
  }

  private async request(body: Record<string, unknown>, on?: WebSocket): Promise<Event> {
    if (!on && !this.ws) await this.ensure();
    const ws = on ?? this.ws;
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
    if (event.type === 'routing' && event.event) return this.heard(event.event);
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
        this.live.delete(event.sessionId);
        void this.rejoin(event.sessionId);
      } else if (e.kind === 'partyLeft' && e.userId === chat.userId && chat.record.scriptClosedAt === undefined) {
        chat.record.endedEarly ??= `the agent was removed (quit reason ${e.quitReasonCode}) at ${new Date().toISOString()}`;
      }
    }
  }

  /** What routing says of itself: an offer (each id taken once, as the gateway may tell it again), a chat returned. */
  private heard(message: RoutingAgentMessage): void {
    if (message.type === 'returned') this.routing.desk.returned(message.interactionId, message.reason);
    if (message.type !== 'offer' || this.offers.has(message.offerId)) return;
    this.offers.add(message.offerId);
    this.routing.desk.offered(this.nickname, message.offerId, message.interactionId);
    void this.accept(message.offerId);
  }

  /** Joins again until it is in (or the chat is released), e.g. after it learns its party was removed. */
  async rejoin(sessionId: string): Promise<void> {
    for (let delay = 200; !this.closed && this.chats.has(sessionId); delay = Math.min(delay * 2, 3_000)) {
      try {
        return await this.joinOne(sessionId);
      } catch (error) {
        const chat = this.chats.get(sessionId);
        chat?.record.errors.push({ at: Date.now(), op: 'agent join', status: statusOf(error).status });
        await sleep(delay);
      }
    }
  }
}
