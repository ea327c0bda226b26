/** The reply shape of GMS Chat API v2, as a client sees it (kept independent of the server's own types). */
export interface ChatV2Reply {
  statusCode: number;
  alias: string;
  chatEnded: boolean;
  chatId?: string;
  userId?: string;
  secureKey?: string;
  nextPosition?: number;
  monitored?: boolean;
  messages: Array<{
    from: { nickname: string; participantId: number; type: string };
    index: number;
    type: string;
    text?: string;
    utcTime: number;
    userData?: Record<string, unknown>;
    eventAttributes?: Record<string, unknown>;
  }>;
  errors?: Array<{ code: number; message: string }>;
}

export interface HttpReply {
  status: number;
  body: ChatV2Reply;
}

/**
 * A customer over GMS Chat API v2 REST, as Genesys Widgets behaves: form-encoded POSTs, the identity triple on
 * every call after Request Chat, and `transcriptPosition` = the `nextPosition` it last got.
 */
export class GmsRestClient {
  chatId = '';
  userId = '';
  secureKey = '';
  alias = '';
  position = 1;

  constructor(
    private readonly baseUrl: string,
    private readonly service = 'customer-support',
  ) {}

  static async post(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<HttpReply> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields),
    });
    return { status: response.status, body: (await response.json()) as ChatV2Reply };
  }

  async requestChat(fields: Record<string, string>): Promise<HttpReply> {
    const reply = await GmsRestClient.post(`${this.baseUrl}/genesys/2/chat/${this.service}/`, fields);
    if (reply.body.statusCode === 0) {
      this.chatId = reply.body.chatId ?? '';
      this.userId = reply.body.userId ?? '';
      this.secureKey = reply.body.secureKey ?? '';
      this.alias = reply.body.alias;
      this.position = reply.body.nextPosition ?? 1;
    }
    return reply;
  }

  /** One operation with the identity triple and the current transcript position; advances the position. */
  async op(operation: string, fields: Record<string, string> = {}): Promise<HttpReply> {
    const reply = await GmsRestClient.post(`${this.baseUrl}/genesys/2/chat/${this.service}/${this.chatId}/${operation}`, {
      userId: this.userId,
      secureKey: this.secureKey,
      alias: this.alias,
      transcriptPosition: String(this.position),
      ...fields,
    });
    if (reply.body.nextPosition !== undefined && reply.body.messages.length > 0) this.position = reply.body.nextPosition;
    return reply;
  }

  /** Polls `refresh` until a message matching `match` arrives (as Widgets poll), failing after `attempts`. */
  async waitFor(match: (m: ChatV2Reply['messages'][number]) => boolean, what: string, attempts = 100): Promise<ChatV2Reply['messages'][number]> {
    for (let i = 0; i < attempts; i++) {
      const reply = await this.op('refresh');
      const found = reply.body.messages.find(match);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`customer never received ${what}`);
  }
}
