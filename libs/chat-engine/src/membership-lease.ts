import { ChatError, type ChatSession, type Clock } from '@ocs/chat-domain';
import type { OwnershipStore } from '@ocs/ports';
import type { SessionRegistry } from './session-registry';

/** Owners asked at once while the sessions held are checked after a lapse. */
const CHECKS_AT_ONCE = 32;
/**
 * Heartbeats after a lapse that check every session held: the second one catches a restoration elsewhere that was
 * under way when the node came back (its owner looked gone just before the first heartbeat went through).
 */
const CHECKS_AFTER_LAPSE = 2;

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
 * may have restored its sessions. Until two heartbeats have gone through, each followed by a check of the owner of every
 * session held, the lease is in doubt: a copy held here is served only after its owner is found to still be this node,
 * and timers wait. A copy whose session another node owns is let go, so the caller is sent to that owner.
 */
export class MembershipLease {
  /** Start of the last heartbeat that went through, and the time it announced; none before the first. */
  private renewed: { at: number; ttlMs: number } | undefined;
  /** Heartbeats that must still check every session held before the lease is sound again. */
  private checksLeft = 0;
  private renewing: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: MembershipLeaseDeps) {}

  /** Whether copies held here may be stale: the membership lapsed, and the checks after it are not all done. */
  inDoubt(): boolean {
    return this.checksLeft > 0 || this.lapsed(this.deps.clock.now());
  }

  /**
   * One heartbeat: `beat` announces the node alive for `ttlMs`. When the last one that went through is older than
   * its time to live, this heartbeat and the next check the owner of every session held (after `beat`, so that no
   * other node starts taking one over meanwhile) and let go of those this node no longer owns; only then is the lease
   * sound again. A beat or a check that fails leaves the lease in doubt, to be tried again at the next heartbeat.
   */
  renew(ttlMs: number, beat: () => Promise<void>): Promise<LeaseRenewal> {
    // One heartbeat at a time (the timer's and a drain's), so that each counts as one of the checks after a lapse.
    const renewal = this.renewing.then(() => this.renewOnce(ttlMs, beat));
    this.renewing = renewal.catch(() => undefined);
    return renewal;
  }

  private async renewOnce(ttlMs: number, beat: () => Promise<void>): Promise<LeaseRenewal> {
    const startedAt = this.deps.clock.now();
    const lapsed = this.lapsed(startedAt);
    if (lapsed) this.checksLeft = CHECKS_AFTER_LAPSE;
    const check = this.inDoubt();
    await beat();
    const forgotten = check ? await this.checkEach() : 0;
    if (check) this.checksLeft = Math.max(0, this.checksLeft - 1);
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

  /** Checks the owner of every session held; answers how many were let go. */
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
