import type { ChatEvent, ChatSession, Change, Clock } from '@ocs/chat-domain';
import type { TranscriptStore } from '@ocs/ports';
import type { SessionSaver } from './durability';
import type { LiveDelivery } from './live-delivery';
import type { SessionEvents } from './session-events';
import type { SessionTimers } from './session-timers';

export interface ChangeCommitDeps {
  clock: Clock;
  store: TranscriptStore;
  /** Per-change saving (`transcript-auto-save` 1 or 2); without it, the final state is saved at the close. */
  saver: SessionSaver | undefined;
  /** `transcript-auto-save=2`: desktops are told when each change is stored. */
  noticeSaves: boolean;
  live: LiveDelivery;
  events: SessionEvents;
  timers: SessionTimers;
  /** Lets go of a session another node took over. */
  forget(session: ChatSession): void;
  /** Told of each committed change's events (the debug log); absent: no work. */
  onCommitted?: (sessionId: string, events: readonly ChatEvent[]) => void;
}

/**
 * What makes a change of a session count, in this order: saved first when durability asks for it (not acknowledged
 * if that fails), then delivered to the parties attached live, then published on the bus; the session's timers are
 * looked at again whatever changed.
 */
export class ChangeCommit {
  constructor(private readonly deps: ChangeCommitDeps) {}

  async commit(session: ChatSession, change: Change): Promise<void> {
    const { saver, live, store, events, clock, timers } = this.deps;
    timers.schedule(session);
    if (change.events.length === 0 && !change.closed && !change.properties && !change.pushes) {
      // A change without events (idle control, language, a refresh that stopped push resends) is saved, so that a
      // restored session keeps it.
      if (change.configured && saver) await this.saved(saver, session, change);
      return;
    }
    if (saver) await this.saved(saver, session, change);
    live.dispatch(session, change.events, this.deps.noticeSaves ? 'save' : undefined);
    if (change.closed && !saver) await store.save(session.state);
    await events.changed(session, change, clock.now());
    if (this.deps.onCommitted && change.events.length > 0) this.deps.onCommitted(session.id, change.events);
  }

  /** Saves the session before its change is acknowledged; a failure is handled as durability says, then thrown. */
  private async saved(saver: SessionSaver, session: ChatSession, change: Change): Promise<void> {
    try {
      await saver.save(session);
    } catch (error) {
      const failure = saver.failure(session, change, error);
      if (failure.kind === 'taken-over') this.deps.forget(session);
      else this.deps.live.dispatch(session, failure.deliver, failure.notice);
      // A session the failure closed is closed for the bus's readers too, saying why (the end reason DB_ERROR); the
      // caller is told of the storage failure whatever the bus does.
      if (failure.kind === 'not-saved' && failure.closed) {
        await this.deps.events.changed(session, failure.closed, this.deps.clock.now(), { saveFailed: true }).catch(() => undefined);
      }
      throw failure.error;
    }
  }
}
