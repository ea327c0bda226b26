import { isCredentialsRefusal } from '@ocs/chat-domain';

/** `[server] auth-failure-*`: how many failed authentications an address may make before it waits. */
export interface AuthBackoffOptions {
  /** Failures from one address within `intervalMs` that start its backoff; 0 disables the backoff. */
  limit: number;
  intervalMs: number;
  /** How long the address is then refused without trying. */
  backoffMs: number;
}

/** Addresses followed at most; past that the least recently seen is forgotten, so memory stays bounded. */
export const AUTH_BACKOFF_MAX_ADDRESSES = 10_000;

interface Entry {
  /** Start of the counting interval (epoch ms). */
  since: number;
  failures: number;
  /** Refused until then (epoch ms); 0 when not backing off. */
  until: number;
}

/**
 * Failed authentications per remote address (a wrong agent token, a wrong customer secure key): after `limit` of
 * them within `intervalMs`, the address's further attempts are refused for `backoffMs` before anything is checked.
 * One tracker serves every surface of a gateway. Entries live in a Map in least-recently-seen order, at most
 * `maxAddresses` of them; an entry whose interval and backoff are over is dropped when next seen.
 */
export class AuthBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly options: AuthBackoffOptions,
    private readonly now: () => number = Date.now,
    private readonly maxAddresses = AUTH_BACKOFF_MAX_ADDRESSES,
  ) {}

  get enabled(): boolean {
    return this.options.limit > 0;
  }

  /** Addresses followed now. */
  get size(): number {
    return this.entries.size;
  }

  /** Milliseconds the address must still wait, or 0 when it may try. */
  waitMs(address: string): number {
    const entry = this.entries.get(address);
    if (!entry) return 0;
    const now = this.now();
    if (entry.until > now) return entry.until - now;
    if (now - entry.since >= this.options.intervalMs) this.entries.delete(address);
    return 0;
  }

  /**
   * Counts a customer request's refusal against the address when it refuses the chat credentials
   * (`CredentialsRefused`: a node holding the session refused the key, or no node owns a session of that id). A
   * session between nodes (SESSION_NOT_FOUND while its owner is gone and it is not restored yet, NOT_OWNER,
   * STORAGE_UNAVAILABLE) says nothing about the credentials and is not counted. Answers whether it counted.
   */
  refused(address: string, error: unknown): boolean {
    if (!isCredentialsRefusal(error)) return false;
    this.failed(address);
    return true;
  }

  /** Counts a failed authentication of the address. */
  failed(address: string): void {
    if (!this.enabled) return;
    const now = this.now();
    let entry = this.entries.get(address);
    if (entry) this.entries.delete(address);
    if (!entry || now - entry.since >= this.options.intervalMs) entry = { since: now, failures: 0, until: entry && entry.until > now ? entry.until : 0 };
    entry.failures += 1;
    if (entry.failures >= this.options.limit) entry = { since: now, failures: 0, until: now + this.options.backoffMs };
    this.entries.set(address, entry);
    if (this.entries.size > this.maxAddresses) this.entries.delete(this.entries.keys().next().value as string);
  }
}
