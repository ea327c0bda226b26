import type { Membership, NodeInfo } from '@ocs/ports';
import Redis from 'ioredis';
import { DEFAULT_KEY_PREFIX, type RedisAdapterOptions } from './redis-options';

/** Milliseconds of the server's clock, in a script: every expiry is judged by that one clock. */
const SERVER_NOW = `local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)`;

/** KEYS: node key, index; ARGV: node JSON, TTL ms, node id. Writes the node and its expiry in the index together. */
const HEARTBEAT = `${SERVER_NOW}
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[3])`;

/** KEYS: index. Trims expired nodes from the index and returns the ids of the others. */
const ALIVE_IDS = `${SERVER_NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZRANGE', KEYS[1], 0, -1)`;

/**
 * Membership in Redis. Each node is a JSON key `<prefix>node:<id>` that Redis expires (PX), and a member of the
 * sorted set `<prefix>nodes` scored by the same expiry on the server's clock; reading the alive nodes trims the
 * set and reads the keys (two round trips); a key already gone is left out, so expiry is exact. Routes are keys
 * `<prefix>route:<session>` with PX.
 */
export class RedisMembership implements Membership {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(options: RedisAdapterOptions) {
    this.redis = new Redis(options.url);
    this.prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  }

  async heartbeat(node: Omit<NodeInfo, 'seenAt'>, ttlMs: number): Promise<void> {
    const { nodeId, url, healthUrl, draining, limited, sessions } = node;
    const info: NodeInfo = { nodeId, url, healthUrl, draining, limited, sessions, seenAt: Date.now() };
    await this.redis.eval(HEARTBEAT, 2, this.nodeKey(nodeId), this.index(), JSON.stringify(info), ttlMs, nodeId);
  }

  async alive(): Promise<NodeInfo[]> {
    const ids = (await this.redis.eval(ALIVE_IDS, 1, this.index())) as string[];
    if (ids.length === 0) return [];
    const values = await this.redis.mget(ids.map((id) => this.nodeKey(id)));
    return values.flatMap((value) => (value === null ? [] : [JSON.parse(value) as NodeInfo]));
  }

  async leave(nodeId: string): Promise<void> {
    await this.redis.multi().del(this.nodeKey(nodeId)).zrem(this.index(), nodeId).exec();
  }

  async setRoute(sessionId: string, nodeId: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.routeKey(sessionId), nodeId, 'PX', ttlMs);
  }

  async route(sessionId: string): Promise<string | undefined> {
    return (await this.redis.get(this.routeKey(sessionId))) ?? undefined;
  }

  async dropRoute(sessionId: string): Promise<void> {
    await this.redis.del(this.routeKey(sessionId));
  }

  /** Closes the connection once pending commands are answered. */
  async close(): Promise<void> {
    await this.redis.quit();
  }

  private index(): string {
    return `${this.prefix}nodes`;
  }

  private nodeKey(nodeId: string): string {
    return `${this.prefix}node:${nodeId}`;
  }

  private routeKey(sessionId: string): string {
    return `${this.prefix}route:${sessionId}`;
  }
}
