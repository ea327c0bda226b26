/** Where the Redis adapters connect, and the namespace of their keys and channels. */
export interface RedisAdapterOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  url: string;
  /** Prefixed to every key and pub/sub channel, so clusters can share a server; default `ocs:`. */
  keyPrefix?: string;
}

export const DEFAULT_KEY_PREFIX = 'ocs:';
