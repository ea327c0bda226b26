import { CometD, type Message } from 'cometd';
import { adapt } from 'cometd-nodejs-client';
import { Inbox } from './inbox';
import type { ChatV2Reply } from './gms-rest-client';

let adapted = false;

/** Installs XMLHttpRequest and WebSocket (ws) for cometd.js in Node, once, before the first `new CometD()`. */
function adaptOnce(): void {
  if (!adapted) adapt();
  adapted = true;
}

/**
 * A customer over GMS Chat API v2 with CometD, driven by the real cometd.js client: handshake, subscribe to
 * `/service/chatV2/{service}`, publish `{operation, …}`, and collect every reply and pushed event.
 */
export class GmsCometdClient {
  readonly inbox = new Inbox<ChatV2Reply>();
  readonly cometd: CometD;
  secureKey = '';

  private constructor(private readonly channel: string) {
    adaptOnce();
    this.cometd = new CometD();
  }

  static async connect(url: string, transport: 'long-polling' | 'websocket', service = 'customer-support'): Promise<GmsCometdClient> {
    const client = new GmsCometdClient(`/service/chatV2/${service}`);
    if (transport === 'long-polling') client.cometd.unregisterTransport('websocket');
    else {
      client.cometd.unregisterTransport('long-polling');
      client.cometd.unregisterTransport('callback-polling');
    }
    client.cometd.configure({ url, logLevel: 'warn' });
    const handshake = await new Promise<Message>((resolve) => client.cometd.handshake(resolve));
    if (!handshake.successful) throw new Error(`handshake failed: ${JSON.stringify(handshake)}`);
    const subscribed = await new Promise<Message>((resolve) =>
      client.cometd.subscribe(client.channel, (m) => client.inbox.push(m.data as ChatV2Reply), resolve),
    );
    if (!subscribed.successful) throw new Error(`subscribe failed: ${JSON.stringify(subscribed)}`);
    return client;
  }

  publish(data: Record<string, unknown>): Promise<Message> {
    return new Promise((resolve) => this.cometd.publish(this.channel, { ...(this.secureKey ? { secureKey: this.secureKey } : {}), ...data }, resolve));
  }

  async requestChat(fields: Record<string, unknown>): Promise<ChatV2Reply> {
    await this.publish({ operation: 'requestChat', ...fields });
    const reply = await this.inbox.next((r) => r.secureKey !== undefined || (r.errors?.length ?? 0) > 0, 'requestChat reply');
    this.secureKey = reply.secureKey ?? '';
    return reply;
  }

  /** The next pushed or replied message whose transcript has an entry matching `match`. */
  async message(match: (m: ChatV2Reply['messages'][number]) => boolean, what: string): Promise<ChatV2Reply['messages'][number]> {
    const reply = await this.inbox.next((r) => r.messages.some(match), what);
    const found = reply.messages.find(match);
    if (!found) throw new Error(`no ${what}`);
    return found;
  }

  disconnect(): Promise<Message> {
    return new Promise((resolve) => this.cometd.disconnect(resolve));
  }
}
