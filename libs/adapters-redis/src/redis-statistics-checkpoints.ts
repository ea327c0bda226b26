import type { StatisticsCheckpoint, StatisticsCheckpoints } from '@ocs/ports';
import Redis from 'ioredis';
import { DEFAULT_KEY_PREFIX, type RedisAdapterOptions } from './redis-options';

/**
 * Statistics checkpoints in Redis (cluster mode): one JSON key `<prefix>stats:<session id>` per session, written
 * with its expiry (SET PX) in one command, so a checkpoint is never seen half-written.
 */
export class RedisStatisticsCheckpoints implements StatisticsCheckpoints {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(options: RedisAdapterOptions) {
    this.redis = new Redis(options.url);
    this.prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  }

  async load(sessionId: string): Promise<StatisticsCheckpoint | undefined> {
    const json = await this.redis.get(this.key(sessionId));
    return json === null ? undefined : (JSON.parse(json) as StatisticsCheckpoint);
  }

  async save(sessionId: string, checkpoint: StatisticsCheckpoint, ttlMs: number): Promise<void> {
    await this.redis.set(this.key(sessionId), JSON.stringify(checkpoint), 'PX', Math.max(1, Math.round(ttlMs)));
  }

  async delete(sessionId: string): Promise<void> {
    await this.redis.del(this.key(sessionId));
  }

  /** Answers once Redis does (a readiness check). */
  async reachable(): Promise<void> {
    await this.redis.ping();
  }

  /** Closes the connection once pending commands are answered. */
  async close(): Promise<void> {
    await this.redis.quit();
  }

  private key(sessionId: string): string {
    return `${this.prefix}stats:${sessionId}`;
  }
}
