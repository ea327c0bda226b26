/**
 * The customer side of the GMS Chat API v2, as the widget uses it: operations over REST, the transcript pushed over
 * CometD (`requestNotifications` from the transcript position) or, when CometD cannot connect, polled with REST
 * `refresh`. Every entry is delivered once and in order, by its `index`: after a reload or a dropped connection the
 * channel asks again from the position it had, and drops what it already delivered.
 */

export interface GmsMessage {
  from: { nickname: string; participantId: number; type: string };
  index: number;
  type: string;
  text?: string;
  utcTime: number;
  userData?: Record<string, unknown>;
}

export interface GmsReply {
  statusCode: number;
  chatEnded?: boolean;
  chatId?: string;
  userId?: string;
  secureKey?: string;
  alias?: string;
  nextPosition?: number;
  monitored?: boolean;
  messages?: GmsMessage[];
  userData?: Record<string, string>;
  errors?: Array<{ code: number; message: string }>;
}

/** What the page keeps in sessionStorage to find its chat again after a reload. */
export interface ChatIdentity {
  chatId: string;
  userId: string;
  secureKey: string;
  alias: string;
  nickname: string;
}

export type Link = 'connecting' | 'live' | 'polling' | 'offline';

export interface ChannelEvents {
  entries(messages: GmsMessage[]): void;
  link(state: Link): void;
  ended(): void;
}

/** An error a person can act on: the message says what happened. */
export class ChatProblem extends Error {
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
  }
}

interface CometdLike {
  configure(options: object): void;
  unregisterTransport(type: string): unknown;
  handshake(callback: (m: { successful: boolean }) => void): void;
  subscribe(channel: string, listener: (m: { data: GmsReply }) => void, callback?: (m: { successful: boolean }) => void): unknown;
  publish(channel: string, data: object, callback?: (m: { successful: boolean }) => void): void;
  addListener(channel: string, listener: (m: { successful: boolean }) => void): unknown;
  disconnect(): void;
}

const POLL_MS = 1500;

export class GmsChannel {
  /** The last transcript index delivered; entries at or below it are not delivered again. */
  private lastIndex = 0;
  private cometd: CometdLike | undefined;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(
    private readonly base: string,
    private readonly service: string,
    readonly identity: ChatIdentity,
    private readonly on: ChannelEvents,
  ) {}

  /** Requests a chat; answers the channel, not yet started. */
  static async request(base: string, service: string, nickname: string, subject: string, on: ChannelEvents): Promise<GmsChannel> {
    const reply = await post(`${base}/genesys/2/chat/${encodeURIComponent(service)}`, { nickname, subject, 'userData[Subject]': subject });
    const { chatId, userId, secureKey, alias } = reply;
    if (!chatId || !userId || !secureKey || !alias) throw new ChatProblem('The chat service gave an incomplete answer.');
    return new GmsChannel(base, service, { chatId, userId, secureKey, alias, nickname }, on);
  }

  /** Starts receiving from the beginning of the transcript (or from `after`, an index already shown). */
  start(after = 0): void {
    this.lastIndex = after;
    this.on.link('connecting');
    const CometD = (globalThis as { org?: { cometd?: { CometD?: new () => CometdLike } } }).org?.cometd?.CometD;
    if (!CometD) return this.poll();
    const cometd = new CometD();
    this.cometd = cometd;
    // Long-polling: it goes through every proxy, and a dropped network fails its held request at once.
    cometd.unregisterTransport('websocket');
    cometd.configure({ url: `${this.base}/genesys/cometd`, logLevel: 'warn', maxNetworkDelay: 5000 });
    let connected = false;
    cometd.addListener('/meta/connect', (m) => {
      if (this.closed) return;
      if (m.successful && !connected) this.notifications();
      connected = m.successful;
      this.on.link(m.successful ? 'live' : 'offline');
    });
    const fallback = setTimeout(() => {
      if (!connected) this.toPolling();
    }, 6000);
    cometd.handshake((m) => {
      if (!m.successful) return;
      clearTimeout(fallback);
      cometd.subscribe(this.channel, (message) => this.received(message.data));
    });
  }

  private get channel(): string {
    return `/service/chatV2/${this.service}`;
  }

  /** Asks CometD for every entry after the last one delivered, then for what comes later. */
  private notifications(): void {
    const { chatId, userId, secureKey, alias } = this.identity;
    this.cometd?.publish(this.channel, { operation: 'requestNotifications', chatId, userId, secureKey, alias, transcriptPosition: String(this.lastIndex + 1) });
  }

  private toPolling(): void {
    this.cometd?.disconnect();
    this.cometd = undefined;
    this.poll();
  }

  private poll(): void {
    if (this.closed) return;
    this.op('refresh', { transcriptPosition: String(this.lastIndex + 1) })
      .then(() => this.on.link('polling'))
      .catch((error: unknown) => {
        if (error instanceof ChatProblem && error.code === 404) return;
        this.on.link('offline');
      })
      .finally(() => {
        if (!this.closed) this.pollTimer = setTimeout(() => this.poll(), POLL_MS);
      });
  }

  /** An operation over REST; entries its reply carries are delivered like pushed ones. */
  async op(operation: string, fields: Record<string, string> = {}): Promise<GmsReply> {
    const reply = await post(this.url(operation), { ...this.triple(), ...fields });
    this.received(reply);
    return reply;
  }

  /** Uploads a file (multipart), after the limits the server gives were checked here first. */
  async upload(file: File): Promise<void> {
    const limits = (await post(this.url('file/limits'), this.triple())).userData ?? {};
    checkFile(file, limits);
    const form = new FormData();
    for (const [k, v] of Object.entries(this.triple())) form.append(k, v);
    form.append('file', file, file.name);
    this.received(await send(this.url('file'), form));
  }

  async download(fileId: string): Promise<Blob> {
    const response = await fetchOrFail(this.url(`file/${encodeURIComponent(fileId)}/download`), { method: 'POST', body: new URLSearchParams(this.triple()) });
    if (!response.ok) throw problemOf(response.status, await response.json().catch(() => ({})));
    return response.blob();
  }

  /** Stops listening; `leave` also ends the chat for the customer. */
  async close(leave: boolean): Promise<void> {
    this.closed = true;
    clearTimeout(this.pollTimer);
    this.cometd?.disconnect();
    if (leave) await post(this.url('disconnect'), this.triple()).catch(() => undefined);
  }

  private received(reply: GmsReply | undefined): void {
    if (!reply) return;
    const fresh = (reply.messages ?? []).filter((m) => m.index > this.lastIndex);
    if (fresh.length > 0) {
      this.lastIndex = fresh[fresh.length - 1].index;
      this.on.entries(fresh);
    }
    if (reply.chatEnded && !this.closed) {
      this.closed = true;
      clearTimeout(this.pollTimer);
      this.cometd?.disconnect();
      this.on.ended();
    }
  }

  private url(operation: string): string {
    return `${this.base}/genesys/2/chat/${encodeURIComponent(this.service)}/${encodeURIComponent(this.identity.chatId)}/${operation}`;
  }

  private triple(): Record<string, string> {
    const { userId, secureKey, alias } = this.identity;
    return { userId, secureKey, alias };
  }
}

function checkFile(file: File, limits: Record<string, string>): void {
  const types = (limits['upload-file-types'] ?? '').toLowerCase().split(':').filter(Boolean);
  const extension = file.name.includes('.') ? file.name.split('.').pop()!.toLowerCase() : '';
  if (types.length > 0 && !types.includes(extension)) throw new ChatProblem(`Files of this type cannot be sent. Allowed: ${types.join(', ')}.`);
  const max = Number(limits['upload-max-file-size'] ?? Infinity);
  if (file.size > max) throw new ChatProblem(`The file is too large: at most ${Math.floor(max / 1024)} KB.`);
  const files = Number(limits['upload-max-files'] ?? Infinity);
  if (Number(limits['used-upload-max-files'] ?? 0) >= files) throw new ChatProblem('No more files can be sent in this chat.');
}

async function post(url: string, fields: Record<string, string>): Promise<GmsReply> {
  return send(url, new URLSearchParams(fields));
}

async function send(url: string, body: URLSearchParams | FormData): Promise<GmsReply> {
  const response = await fetchOrFail(url, { method: 'POST', body });
  const reply = (await response.json().catch(() => ({ statusCode: 2 }))) as GmsReply;
  if (!response.ok || (reply.errors?.length ?? 0) > 0) throw problemOf(response.status, reply);
  return reply;
}

async function fetchOrFail(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch {
    throw new ChatProblem('The chat service cannot be reached. Check your connection; the chat carries on when it is back.');
  }
}

/** A refusal in words a customer understands, keeping the server's explanation. */
function problemOf(status: number, reply: Partial<GmsReply>): ChatProblem {
  const error = reply.errors?.[0];
  const detail = error?.message ? ` (${error.message})` : '';
  if (status === 429) return new ChatProblem(`Too many messages at once; please wait a moment${detail}.`, 429);
  if (status === 503) return new ChatProblem(`The chat service is busy; please try again later${detail}.`, 503);
  if (error && [201, 202, 203].includes(error.code)) return new ChatProblem(`The file was refused${detail}.`, error.code);
  if (status === 404 || reply.chatEnded) return new ChatProblem('This chat has ended.', 404);
  return new ChatProblem(`The request was refused${detail}.`, error?.code ?? status);
}
