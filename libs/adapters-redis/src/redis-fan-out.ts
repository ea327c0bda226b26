import type { FanOut } from '@ocs/ports';
import Redis from 'ioredis';
import { DEFAULT_KEY_PREFIX, type RedisAdapterOptions } from './redis-options';

export interface RedisFanOutOptions extends RedisAdapterOptions {
  /** Told of a handler that threw; delivery to the other handlers and of later messages goes on. */
  onError?: (channel: string, error: unknown) => void;
}

interface Subscription {
  handler: (message: string) => void;
}

interface Channel {
  subscriptions: Set<Subscription>;
  /** The server's confirmation of SUBSCRIBE: from then on, every message published reaches this process. */
  subscribed: Promise<unknown>;
}

/**
 * Fan-out over Redis pub/sub on channels `<prefix>fanout:<channel>`. Publishing uses one connection and
 * subscribing another, as Redis requires; the process subscribes once per channel however many handlers it has.
 * ioredis reconnects both and subscribes again; messages published while disconnected are lost, as in any
 * pub/sub.
 */
export class RedisFanOut implements FanOut {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly prefix: string;
  private readonly onError: (channel: string, error: unknown) => void;
  private readonly channels = new Map<string, Channel>();

  constructor(options: RedisFanOutOptions) {
    this.publisher = new Redis(options.url);
    this.subscriber = new Redis(options.url);
    this.prefix = `${options.keyPrefix ?? DEFAULT_KEY_PREFIX}fanout:`;
    this.onError = options.onError ?? (() => undefined);
    this.subscriber.on('message', (name: string, message: string) => this.deliver(name, message));
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.publisher.publish(this.prefix + channel, message);
  }

  async subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>> {
    const name = this.prefix + channel;
    const entry = this.channels.get(name) ?? { subscriptions: new Set(), subscribed: this.subscriber.subscribe(name) };
    this.channels.set(name, entry);
    const subscription: Subscription = { handler };
    entry.subscriptions.add(subscription);
    try {
      await entry.subscribed;
    } catch (error) {
      this.detach(name, entry, subscription);
      throw error;
    }
    return async () => {
      if (this.detach(name, entry, subscription)) await this.subscriber.unsubscribe(name);
    };
  }

  /** Closes both connections once pending commands are answered. */
  async close(): Promise<void> {
    await Promise.all([this.publisher.quit(), this.subscriber.quit()]);
  }

  /** Removes a subscription; true when it was the channel's last, so the channel is forgotten. */
  private detach(name: string, entry: Channel, subscription: Subscription): boolean {
    entry.subscriptions.delete(subscription);
    if (entry.subscriptions.size > 0 || this.channels.get(name) !== entry) return false;
    this.channels.delete(name);
    return true;
  }

  private deliver(name: string, message: string): void {
    for (const { handler } of this.channels.get(name)?.subscriptions ?? []) {
      try {
        handler(message);
      } catch (error) {
        this.onError(name.slice(this.prefix.length), error);
      }
    }
  }
}
