import { ChatError, type ChatEvent, type ChatSession, type Change } from '@ocs/chat-domain';
import { NotOwnerError } from '@ocs/contracts';
import { OwnershipLostError, type TranscriptStore } from '@ocs/ports';
import type { TranscriptNotice } from './engine-api';
import { GroupSaver } from './group-saver';

/** `transcript-auto-save` and its companions. */
export interface Durability {
  /** `transcript-auto-save`: 1 or 2 save the session before a change is acknowledged. */
  autoSave: 0 | 1 | 2;
  /** `transcript-save-on-error`: `close` closes the session (reason 5) when saving keeps failing. */
  saveOnError: 'close' | 'continue';
  /** `transcript-resend-attempts`: further attempts after a failed save. */
  resendAttempts: number;
  /** `transcript-resend-delay`, in milliseconds. */
  resendDelayMs: number;
}

/** What the engine does with a change that could not be saved: it is not acknowledged (`error`). */
export type SaveFailure =
  /** Another node restored the session: this copy is stale; the engine lets go of it. */
  | { kind: 'taken-over'; error: ChatError }
  /**
   * Storage failed: `deliver` still goes to the live parties (the change stands in memory), with `notice` to desktops;
   * `closed`: the change and the closing it led to (`transcript-save-on-error=close`), for the bus.
   */
  | { kind: 'not-saved'; deliver: ChatEvent[]; notice?: TranscriptNotice; error: ChatError; closed?: Change };

/**
 * Saves sessions before their changes are acknowledged: one session's saves in order, grouped (`GroupSaver`), each
 * tried again `transcript-resend-attempts` times; a save the ownership fence refuses is not tried again.
 */
export class SessionSaver {
  private readonly savers = new Map<string, GroupSaver>();

  constructor(
    private readonly deps: {
      store: TranscriptStore;
      durability: Durability;
      /** This node, for the ownership fence of a cluster. */
      nodeId?: string;
      sleep: (ms: number) => Promise<void>;
    },
  ) {}

  /** Saves the session's current state (with whatever changes come meanwhile); rejects as the store last did. */
  save(session: ChatSession): Promise<void> {
    let saver = this.savers.get(session.id);
    if (!saver) {
      saver = new GroupSaver(() => this.saveWithRetries(session));
      this.savers.set(session.id, saver);
    }
    return saver.save();
  }

  forget(sessionId: string): void {
    this.savers.delete(sessionId);
  }

  /**
   * What a failed save of `change` means. With `transcript-save-on-error=close` the session closes (reason 5) and its
   * parties are told; `transcript-auto-save=2` tells desktops `ucs-save-fail`.
   */
  failure(session: ChatSession, change: Change, error: unknown): SaveFailure {
    if (error instanceof OwnershipLostError) return { kind: 'taken-over', error: NotOwnerError.of(session.id, error.owner) };
    const { durability } = this.deps;
    const notice = durability.autoSave === 2 ? 'ucs-save-fail' : undefined;
    if (durability.saveOnError === 'close' && !change.closed) {
      const closing = session.closeBySystem('5');
      return {
        kind: 'not-saved',
        deliver: [...change.events, ...closing.events],
        notice,
        closed: { events: [...change.events, ...closing.events], closed: true, ...mergedProperties(change, closing) },
        error: new ChatError('STORAGE_UNAVAILABLE', 'the transcript could not be saved, so the session was closed'),
      };
    }
    return { kind: 'not-saved', deliver: [], notice, error: new ChatError('STORAGE_UNAVAILABLE', 'the transcript could not be saved; try again') };
  }

  private async saveWithRetries(session: ChatSession): Promise<void> {
    const { store, durability, nodeId, sleep } = this.deps;
    for (let attempt = 0; ; attempt++) {
      try {
        return await store.save(session.state, nodeId);
      } catch (error) {
        if (attempt >= durability.resendAttempts || error instanceof OwnershipLostError) throw error;
        await sleep(durability.resendDelayMs);
      }
    }
  }
}

function mergedProperties(first: Change, then: Change): Pick<Change, 'properties'> {
  const properties = { ...first.properties, ...then.properties };
  return Object.keys(properties).length > 0 ? { properties } : {};
}
