import { ChatError, type ChatSession, type Clock } from '@ocs/chat-domain';
import type { OwnershipStore } from '@ocs/ports';
import type { SessionRegistry } from './session-registry';

/** Owners asked at once while the sessions held are checked after a lapse. */
const CHECKS_AT_ONCE = 32;

export interface MembershipLeaseDeps {
  clock: Clock;
  nodeId: string;
  ownership: OwnershipStore;
  registry: SessionRegistry;
  /** Lets go of a session another node took over (its keys, saves in order and live listeners). */
  forget(session: ChatSession): void;
}

/** What a heartbeat found: whether the membership had lapsed before it, and how many sessions were let go then. */
export interface LeaseRenewal {
  lapsed: boolean;
  forgotten: number;
}

/**
 * The node's standing in the cluster's membership. Each successful heartbeat announces the node alive for `node-ttl`
 * from its start; past that (the process was paused, or cut off from the membership), other nodes count it as gone and
 * may have restored its sessions. Until the next heartbeat has gone through and every session held has had its owner
 * checked, the lease is in doubt: a copy held here is served only after its owner is found to still be this node, and
 * timers wait. A copy whose session another node owns is let go, so the caller is sent to that owner.
 */
export class MembershipLease {
  /** Start of the last heartbeat that went through, and the time it announced; none before the first. */
  private renewed: { at: number; ttlMs: number } | undefined;
  private recheck: Promise<number> | undefined;

  constructor(private readonly deps: MembershipLeaseDeps) {}

  /** Whether copies held here may be stale: the membership lapsed, or the check after a lapse is under way. */
  inDoubt(): boolean {
    return this.recheck !== undefined || this.lapsed(this.deps.clock.now());
  }

  /**
   * One heartbeat: `beat` announces the node alive for `ttlMs`. When the last one that went through is older than
   * its time to live, every session held then has its owner checked (after `beat`, so no other node takes one over
   * meanwhile) and those this node no longer owns are let go; only then is the lease sound again. A beat or a check
   * that fails leaves the lease in doubt, to be tried again at the next heartbeat.
   */
  async renew(ttlMs: number, beat: () => Promise<void>): Promise<LeaseRenewal> {
    const startedAt = this.deps.clock.now();
    const lapsed = this.inDoubt();
    await beat();
    const forgotten = lapsed ? await this.recheckAll() : 0;
    if (!this.renewed || startedAt > this.renewed.at) this.renewed = { at: startedAt, ttlMs };
    return { lapsed, forgotten };
  }

  /**
   * Whether this node still owns a session it holds, asked of the ownership store (while the lease is in doubt). One
   * it does not own is let go. A store that cannot answer makes the caller try again later.
   */
  async stillOwned(session: ChatSession): Promise<boolean> {
    const { nodeId, ownership } = this.deps;
    const owner = await ownership.owner(session.id).catch(() => {
      throw new ChatError('STORAGE_UNAVAILABLE', `the owner of chat session ${session.id} could not be checked now; try again`);
    });
    if (owner?.nodeId === nodeId) return true;
    if (this.deps.registry.get(session.id) === session) this.deps.forget(session);
    return false;
  }

  private lapsed(now: number): boolean {
    return this.renewed !== undefined && now - this.renewed.at > this.renewed.ttlMs;
  }

  /** Checks the owner of every session held (one check at a time for the node); answers how many were let go. */
  private recheckAll(): Promise<number> {
    this.recheck ??= this.checkEach().finally(() => (this.recheck = undefined));
    return this.recheck;
  }

  private async checkEach(): Promise<number> {
    const held = [...this.deps.registry.all()];
    let forgotten = 0;
    for (let i = 0; i < held.length; i += CHECKS_AT_ONCE) {
      const owned = await Promise.all(held.slice(i, i + CHECKS_AT_ONCE).map((session) => this.stillOwned(session)));
      forgotten += owned.filter((still) => !still).length;
    }
    return forgotten;
  }
}
