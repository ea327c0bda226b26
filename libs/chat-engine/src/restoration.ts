import { ChatError, ChatSession, CredentialsRefused, type Change, type SessionContext } from '@ocs/chat-domain';
import { NotOwnerError } from '@ocs/contracts';
import type { OwnershipStore, TranscriptStore } from '@ocs/ports';
import type { SessionEvents } from './session-events';
import type { SessionRegistry } from './session-registry';

export interface OwnershipPolicy {
  nodeId: string;
  store: OwnershipStore;
  /** Whether a node is alive (membership); a session of a dead node may be restored here. */
  isAlive(nodeId: string): Promise<boolean>;
  /** `session-restore-do-purge`: after restoring a session, ask its previous owner to drop its copy. */
  purgePrevious?: boolean;
  /** `session-restore-extend-by`: who besides customers may restore a session (default `none`). */
  extendBy?: RestoreExtension;
}

export const RESTORE_EXTENSIONS = ['none', 'agent', 'esp', 'both'] as const;
export type RestoreExtension = (typeof RESTORE_EXTENSIONS)[number];

/**
 * Who asks for a session this node does not hold. `always`: a customer's request, or the server's own (the base
 * restoration); `agent`: an agent's join, and `esp`: a workflow's request, as `session-restore-extend-by` allows;
 * `never`: a request that only looks (ESP `GetSessionInfo` without `InduceRestore`).
 */
export type RestoreRequest = 'always' | 'agent' | 'esp' | 'never';

function mayRestore(by: RestoreRequest, extendBy: RestoreExtension): boolean {
  if (by === 'always') return true;
  if (by === 'never') return false;
  return extendBy === 'both' || extendBy === by;
}

export interface RestorationDeps {
  policy: OwnershipPolicy;
  store: TranscriptStore;
  context: SessionContext;
  registry: SessionRegistry;
  events: SessionEvents;
  /** Refuses (LIMIT_REACHED) while this node is over its load limit. */
  assertUnderLimit(): void;
  /** Applies, delivers, saves and publishes the change that makes a restored session fit to serve. */
  commit(session: ChatSession, change: Change): Promise<void>;
  /** Lets go of a session another node took over. */
  forget(session: ChatSession): void;
}

/**
 * N+1 high availability: a session whose owner is gone is restored on the node that is asked for it, from what the
 * owner saved. Ownership is a compare-and-set claim: two nodes restoring at once end with one owner, the other
 * answering NOT_OWNER with the owner's name, where the caller goes next.
 */
export class Restoration {
  private readonly restoring = new Map<string, Promise<ChatSession>>();

  constructor(private readonly deps: RestorationDeps) {}

  /**
   * The session, restored here if it was saved, its owner is gone and `by` may restore it (SESSION_NOT_FOUND
   * otherwise); one restoration per session at a time.
   */
  restore(sessionId: string, by: RestoreRequest = 'always'): Promise<ChatSession> {
    const pending = this.restoring.get(sessionId);
    if (pending) return pending;
    const work = this.claimAndLoad(sessionId, by)
      .catch((error: unknown) => {
        // Storage that fails while restoring is a reason to try again, not the end of the session.
        throw error instanceof ChatError ? error : new ChatError('STORAGE_UNAVAILABLE', `chat session ${sessionId} could not be restored now; try again`);
      })
      .finally(() => this.restoring.delete(sessionId));
    this.restoring.set(sessionId, work);
    return work;
  }

  /** A new session's first claim; it can only lose to a session of the same id, which a sound id source never makes. */
  async claimNew(session: ChatSession): Promise<void> {
    const { policy } = this.deps;
    const claimed = await policy.store.claim(session.id, policy.nodeId);
    if (claimed?.nodeId === policy.nodeId) return;
    this.deps.forget(session);
    throw new Error(`session id ${session.id} is already taken by node ${claimed?.nodeId ?? 'unknown'}: the id source repeats itself`);
  }

  /**
   * Drops this node's copy of a session that another node has taken over (`session-restore-do-purge`): its keys,
   * timers and live listeners go, without closing actions. A session this node still owns is kept.
   */
  async purgeTakenOver(sessionId: string): Promise<boolean> {
    const { policy, registry } = this.deps;
    const session = registry.get(sessionId);
    if (!session || (await policy.store.owner(sessionId))?.nodeId === policy.nodeId) return false;
    this.deps.forget(session);
    return true;
  }

  private async claimAndLoad(sessionId: string, by: RestoreRequest): Promise<ChatSession> {
    const { policy, store, registry, events } = this.deps;
    const owner = await policy.store.owner(sessionId);
    // Nobody owns a session of that id: it never was, or it ended and was removed.
    if (!owner) throw new CredentialsRefused(`chat session ${sessionId} not found`);
    if (owner.nodeId !== policy.nodeId && (await policy.isAlive(owner.nodeId))) throw NotOwnerError.of(sessionId, owner.nodeId);
    if (!mayRestore(by, policy.extendBy ?? 'none')) {
      throw new ChatError('SESSION_NOT_FOUND', `chat session ${sessionId} is not held by this node; this request does not restore it`);
    }
    this.deps.assertUnderLimit();
    const claimed = await policy.store.claim(sessionId, policy.nodeId, owner.nodeId);
    if (!claimed) throw notFound(sessionId);
    if (claimed.nodeId !== policy.nodeId) throw NotOwnerError.of(sessionId, claimed.nodeId);
    // Loaded once the claim stands: each save of the previous owner was either written before (and is loaded
    // now) or is refused by the fence, never acknowledged and then lost.
    const state = await store.load(sessionId);
    if (!state) throw notFound(sessionId);
    const session = ChatSession.fromState(this.deps.context, state);
    registry.add(session);
    await events.restored(session, policy.nodeId, owner.nodeId);
    await this.deps.commit(session, session.restore());
    if (policy.purgePrevious && owner.nodeId !== policy.nodeId) await events.requestPurge(sessionId, owner.nodeId, policy.nodeId);
    return session;
  }
}

function notFound(sessionId: string): ChatError {
  return new ChatError('SESSION_NOT_FOUND', `chat session ${sessionId} not found`);
}
