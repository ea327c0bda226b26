import type { FanOut, Membership, NodeInfo } from '@ocs/ports';

interface Expiring<T> {
  value: T;
  expiresAt: number;
}

/** Membership and routing cache of an embedded (single-process) deployment; entries expire on read. */
export class MemoryMembership implements Membership {
  private readonly nodes = new Map<string, Expiring<NodeInfo>>();
  private readonly routes = new Map<string, Expiring<string>>();

  constructor(private readonly now: () => number = Date.now) {}

  async heartbeat(node: Omit<NodeInfo, 'seenAt'>, ttlMs: number): Promise<void> {
    const seenAt = this.now();
    this.nodes.set(node.nodeId, { value: { ...node, seenAt }, expiresAt: seenAt + ttlMs });
  }

  async alive(): Promise<NodeInfo[]> {
    return [...this.nodes.keys()].flatMap((nodeId) => {
      const info = this.live(this.nodes, nodeId);
      return info ? [{ ...info }] : [];
    });
  }

  async leave(nodeId: string): Promise<void> {
    this.nodes.delete(nodeId);
  }

  async setRoute(sessionId: string, nodeId: string, ttlMs: number): Promise<void> {
    this.routes.set(sessionId, { value: nodeId, expiresAt: this.now() + ttlMs });
  }

  async route(sessionId: string): Promise<string | undefined> {
    return this.live(this.routes, sessionId);
  }

  async dropRoute(sessionId: string): Promise<void> {
    this.routes.delete(sessionId);
  }

  /** The entry's value if it has not expired; an expired entry is removed. */
  private live<T>(entries: Map<string, Expiring<T>>, key: string): T | undefined {
    const entry = entries.get(key);
    if (entry && entry.expiresAt > this.now()) return entry.value;
    entries.delete(key);
    return undefined;
  }
}

interface Subscription {
  handler: (message: string) => void;
}

/**
 * In-process fan-out: one instance is the hub every publisher and subscriber of the process shares. Like a real
 * broker it decouples the publisher: `publish` returns before handlers run; messages reach each subscriber in
 * publish order, only subscribers that are still subscribed when it arrives, and a failing handler is reported
 * without stopping delivery.
 */
export class MemoryFanOut implements FanOut {
  private readonly channels = new Map<string, Set<Subscription>>();

  constructor(private readonly onError: (channel: string, error: unknown) => void = () => undefined) {}

  async publish(channel: string, message: string): Promise<void> {
    const subscriptions = [...(this.channels.get(channel) ?? [])];
    setImmediate(() => {
      for (const subscription of subscriptions) {
        if (!this.channels.get(channel)?.has(subscription)) continue;
        try {
          subscription.handler(message);
        } catch (error) {
          this.onError(channel, error);
        }
      }
    });
  }

  async subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>> {
    const subscription: Subscription = { handler };
    const subscriptions = this.channels.get(channel) ?? new Set<Subscription>();
    this.channels.set(channel, subscriptions.add(subscription));
    return async () => {
      subscriptions.delete(subscription);
      if (subscriptions.size === 0 && this.channels.get(channel) === subscriptions) this.channels.delete(channel);
    };
  }
}
