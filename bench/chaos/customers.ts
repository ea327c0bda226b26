import { CometD, type Message } from 'cometd';
import { adapt } from 'cometd-nodejs-client';
import { Refusal, type ChatRecord } from './records';

interface Entry {
  index: number;
  type: string;
  text?: string;
  from: { type: string };
}
interface Reply {
  statusCode: number;
  chatEnded?: boolean;
  chatId?: string;
  userId?: string;
  secureKey?: string;
  alias?: string;
  nextPosition?: number;
  messages?: Entry[];
  errors?: Array<{ code: number; message: string }>;
}

/** A chat customer of the chaos run: requests the chat, sends, and records what it read. */
export interface ChaosCustomer {
  start(fields: Record<string, string>): Promise<string>;
  send(text: string): Promise<void>;
  /** Reads what is new (REST refresh; CometD: requestNotifications). */
  refresh(): Promise<void>;
  close(): void;
}

const TIMEOUT_MS = 10_000;

/** Records the entries of a reply: positions, agent messages read, an end the script did not ask for. */
function take(record: ChatRecord, reply: Reply): void {
  for (const m of reply.messages ?? []) {
    record.customerPositions.push(m.index);
    if (m.type === 'Message' && m.text !== undefined) {
      record.customerRead.add(m.text);
      const acked = record.acked.find((a) => a.text === m.text);
      // The customer API's index counts from 1; the transcript's positions from 0.
      if (acked) acked.position = m.index - 1;
    }
  }
  if (reply.chatEnded) {
    if (record.scriptClosedAt === undefined) record.endedEarly ??= `the customer saw the chat end at ${new Date().toISOString()}`;
    record.closeSeen = true;
  }
}

function refused(reply: Reply, status = 200): Refusal {
  const codes = reply.errors?.map((e) => e.code).join(',');
  return new Refusal(status !== 200 ? `HTTP ${status}${codes ? ` (code ${codes})` : ''}` : `statusCode ${reply.statusCode}${codes ? ` (code ${codes})` : ''}`);
}

/** A REST (short polling) customer of GMS Chat API v2. */
export class RestChaosCustomer implements ChaosCustomer {
  private identity: Record<string, string> = {};
  private path = '';
  private position = 1;

  constructor(
    private readonly base: () => string,
    private readonly service: string,
    private readonly record: ChatRecord,
  ) {}

  async start(fields: Record<string, string>): Promise<string> {
    const reply = await this.post(`/genesys/2/chat/${this.service}/`, fields);
    this.identity = { userId: reply.userId ?? '', secureKey: reply.secureKey ?? '', alias: reply.alias ?? '' };
    this.path = `/genesys/2/chat/${this.service}/${reply.chatId}`;
    return reply.chatId ?? '';
  }

  async send(text: string): Promise<void> {
    // The text is unique in its chat: as its client message id, a resend after an unanswered attempt is harmless.
    await this.op('send', { message: text, clientMessageId: text });
  }

  async refresh(): Promise<void> {
    await this.op('refresh');
  }

  close(): void {}

  private op(operation: string, fields: Record<string, string> = {}): Promise<Reply> {
    return this.post(`${this.path}/${operation}`, { ...this.identity, transcriptPosition: String(this.position), ...fields });
  }

  private async post(path: string, form: Record<string, string>): Promise<Reply> {
    const response = await fetch(new URL(path, this.base()), { method: 'POST', body: new URLSearchParams(form), signal: AbortSignal.timeout(TIMEOUT_MS) });
    const reply = (await response.json().catch(() => ({ statusCode: -1 }))) as Reply;
    take(this.record, reply);
    if (reply.nextPosition !== undefined) this.position = Math.max(this.position, reply.nextPosition);
    if (response.status !== 200 || reply.statusCode !== 0) throw refused(reply, response.status);
    return reply;
  }
}

let adapted = false;

/** A CometD (long-polling) customer: replies and new entries arrive on `/service/chatV2/{service}`. */
export class CometdChaosCustomer implements ChaosCustomer {
  private readonly cometd: CometD;
  private readonly channel: string;
  private secureKey = '';
  private chatId = '';
  private position = 1;
  private waiting: ((reply: Reply) => void) | undefined;
  /** A handshake of its own is under way (it subscribes itself after it). */
  private handshaking = false;

  constructor(
    base: string,
    service: string,
    private readonly record: ChatRecord,
  ) {
    if (!adapted) adapt();
    adapted = true;
    this.cometd = new CometD();
    this.channel = `/service/chatV2/${service}`;
    this.cometd.unregisterTransport('websocket');
    this.cometd.unregisterTransport('callback-polling');
    this.cometd.configure({ url: `${base}/genesys/cometd`, logLevel: 'warn', maxBackoff: 2_000 });
    // After a re-handshake the client made by itself (its gateway was away or replaced; the subscription is gone with
    // the old Bayeux client), subscribe again: before its chat exists too, or the requestChat reply never comes.
    this.cometd.addListener('/meta/handshake', (m: Message) => {
      if (m.successful && !this.handshaking) void this.resume();
    });
  }

  async start(fields: Record<string, string>): Promise<string> {
    const reply = await this.operation({ operation: 'requestChat', ...fields });
    this.secureKey = reply.secureKey ?? '';
    this.chatId = reply.chatId ?? '';
    return this.chatId;
  }

  async send(text: string): Promise<void> {
    // As Genesys Widgets do, every operation names the chat beside the key.
    await this.operation({ operation: 'sendMessage', chatId: this.chatId, secureKey: this.secureKey, message: text, clientMessageId: text });
  }

  async refresh(): Promise<void> {
    await this.operation({ operation: 'requestNotifications', chatId: this.chatId, secureKey: this.secureKey, transcriptPosition: this.position });
  }

  close(): void {
    this.cometd.disconnect();
  }

  private async rehandshake(): Promise<void> {
    await new Promise<void>((done) => this.cometd.disconnect(() => done()));
    await this.handshake();
  }

  /** A handshake of its own, then the subscription. */
  private async handshake(): Promise<void> {
    this.handshaking = true;
    try {
      await this.meta((done) => this.cometd.handshake(done), 'handshake');
      await this.subscribe();
    } finally {
      this.handshaking = false;
    }
  }

  private async resume(): Promise<void> {
    await this.subscribe().catch(() => undefined);
  }

  private subscribe(): Promise<unknown> {
    return this.meta((done) => this.cometd.subscribe(this.channel, (m) => this.receive(m.data as Reply), done), 'subscribe');
  }

  private meta(call: (done: (m: Message) => void) => void, what: string): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Refusal(`cometd ${what} timeout`, true)), TIMEOUT_MS);
      call((m) => {
        clearTimeout(timer);
        if (m.successful) resolve(m);
        else reject(new Refusal(`cometd ${what} refused`));
      });
    });
  }

  /** Publishes an operation and resolves with the reply pushed back on the channel (one operation at a time). */
  private async operation(data: Record<string, unknown>): Promise<Reply> {
    // The first operation, or one after a handshake that failed (its gateway was down): a handshake first. A retried
    // start keeps the handshake of an earlier attempt.
    if (this.cometd.isDisconnected()) await this.handshake();
    const reply = new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Refusal('timeout', true)), TIMEOUT_MS);
      this.waiting = (r) => {
        clearTimeout(timer);
        resolve(r);
      };
    });
    reply.catch(() => undefined);
    await this.meta((done) => this.cometd.publish(this.channel, data, done), 'publish').catch(async (error: unknown) => {
      // Its gateway was replaced and forgot the Bayeux client: the next attempt starts with a new handshake.
      if (error instanceof Refusal && error.status === 'cometd publish refused') await this.rehandshake().catch(() => undefined);
      throw error;
    });
    const answer = await reply;
    if (answer.statusCode !== 0) throw refused(answer);
    return answer;
  }

  private receive(reply: Reply): void {
    take(this.record, reply);
    if (reply.nextPosition !== undefined) this.position = Math.max(this.position, reply.nextPosition);
    // A reply to an operation carries a status and no new entries, or is the requestChat reply with the identity.
    const waiting = this.waiting;
    if (waiting && (reply.secureKey !== undefined || (reply.errors?.length ?? 0) > 0 || (reply.messages ?? []).length === 0 || reply.statusCode !== 0)) {
      this.waiting = undefined;
      waiting(reply);
    }
  }
}
