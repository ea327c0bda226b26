import type { ChatEvent } from '../types';
import { eventBytes } from './budget';
import { appended } from './memory';
import { decidePushes, type PushDecision } from './push-notifications';
import type { Change } from './requests';
import type { SessionContext, SessionState } from './state';

/** Where a command stood, for `Command.rollback`. */
export interface CommandMark {
  participants: number;
  transcript: number;
  events: number;
  nextEventId: number;
  transcriptBytes: number;
}

/**
 * One command under way on a session: the state it changes, the context it runs in, and the record of what it
 * changed (the events it appended, the interaction properties it set). The session's parts are handed it. It is
 * made when a command starts and dropped when it returns, so an idle session holds no buffers.
 */
export class Command {
  /** Events appended so far. */
  private events: ChatEvent[] | undefined;
  /** Interaction properties changed so far. */
  private properties: Record<string, string> | undefined;
  /** Push notifications decided so far (a session with a subscribed customer only). */
  private pushes: PushDecision[] | undefined;
  /** Set when the session, closed long enough, may now be forgotten (`expire`). */
  drop = false;
  /** Set when the command changed the session's configuration without an event (`Change.configured`). */
  configured = false;

  constructor(
    readonly state: SessionState,
    readonly ctx: SessionContext,
  ) {}

  /** Adds a complete event, which took the next position and event id, to the transcript. */
  record(event: ChatEvent): void {
    this.state.nextEventId += 1;
    this.state.transcriptBytes = (this.state.transcriptBytes ?? 0) + eventBytes(event);
    this.state.transcript = appended(this.state.transcript, event);
    (this.events ??= []).push(event);
  }

  /** A push notification for the subscribed customer (push-notifications.ts). */
  addPush(push: PushDecision): void {
    (this.pushes ??= []).push(push);
  }

  /** The interaction properties this command changes, to report when it finishes. */
  changedProperties(): Record<string, string> {
    return (this.properties ??= {});
  }

  /** Takes back a property change of this command. */
  unsetProperty(key: string): void {
    if (this.properties) delete this.properties[key];
  }

  /** Where the command stands now. */
  mark(): CommandMark {
    const { state } = this;
    return {
      participants: state.participants.length,
      transcript: state.transcript.length,
      events: this.events?.length ?? 0,
      nextEventId: state.nextEventId,
      transcriptBytes: state.transcriptBytes ?? 0,
    };
  }

  /** Takes back the parties and events added since `mark`. */
  rollback(mark: CommandMark): void {
    const { state } = this;
    state.participants.length = mark.participants;
    state.transcript.length = mark.transcript;
    if (this.events) this.events.length = mark.events;
    state.nextEventId = mark.nextEventId;
    state.transcriptBytes = mark.transcriptBytes;
  }

  /** What the command changed; `closed`: it closed the session. */
  finish(closed: boolean): Change {
    const events = this.events ?? [];
    const properties = this.properties;
    if (this.state.push && events.length > 0) decidePushes(this, events);
    const pushes = this.pushes;
    return {
      events,
      closed,
      ...(properties && Object.keys(properties).length > 0 ? { properties } : {}),
      ...(this.configured ? { configured: true } : {}),
      ...(pushes ? { pushes } : {}),
    };
  }
}
