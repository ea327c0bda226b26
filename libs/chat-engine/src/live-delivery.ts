import { supportsMonitoredFlag, type ChatEvent, type ChatSession, type Participant } from '@ocs/chat-domain';
import type { EventSender } from '@ocs/contracts';
import type { EventView, SessionView, TranscriptNotice, ViewListener } from './engine-api';

interface Listener {
  userId: string;
  notify: ViewListener;
  /** Whether the session was monitored when this listener was last told: a change is news to it. */
  monitored: boolean;
}

/**
 * What each party sees: its view of a session from a position on, and the live delivery of every change to the
 * parties attached (CometD customers, agent WebSockets), each filtered for that reader (visibility, direct messages,
 * protocol version). A listener that throws is reported; the others still get the change.
 */
export class LiveDelivery {
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(private readonly onListenerError: (sessionId: string, error: unknown) => void = () => undefined) {}

  /** Delivers each later change `party` may see to `notify`, until the returned detach is called. */
  attach(session: ChatSession, party: Participant, notify: ViewListener): () => void {
    const entry: Listener = { userId: party.userId, notify, monitored: session.isMonitored() };
    const set = this.listeners.get(session.id) ?? new Set<Listener>();
    this.listeners.set(session.id, set);
    set.add(entry);
    return () => {
      set.delete(entry);
      if (set.size === 0 && this.listeners.get(session.id) === set) this.listeners.delete(session.id);
    };
  }

  /** Delivers events to the session's live listeners; `notice` (`transcript-auto-save=2`) goes to desktops only. */
  dispatch(session: ChatSession, events: readonly ChatEvent[], notice?: TranscriptNotice): void {
    const set = this.listeners.get(session.id);
    if (!set) return;
    const monitored = session.isMonitored();
    for (const listener of set) {
      const party = session.participant(listener.userId);
      if (!party) continue;
      const visible: EventView[] = [];
      for (const e of events) {
        const shown = session.viewFor(e, party);
        if (shown) visible.push({ event: shown, from: sender(session, e) });
      }
      const monitoredChanged = listener.monitored !== monitored && supportsMonitoredFlag(party.clientVersion);
      listener.monitored = monitored;
      const told = party.protocol === 'BASIC' ? notice : undefined;
      if (visible.length === 0 && !session.isClosed && !monitoredChanged && !told) continue;
      try {
        listener.notify({ ...viewOf(session, party, visible), ...(told ? { transcriptNotice: told } : {}) });
      } catch (error) {
        // One broken connection must not keep the change from the others, from storage or from the bus.
        this.onListenerError(session.id, error);
      }
    }
  }

  /** Drops the session's listeners (the session is no longer held here). */
  forget(sessionId: string): void {
    this.listeners.delete(sessionId);
  }
}

/** What `party` sees of the session: the events from `fromPosition` on (none when undefined) and the session's state. */
export function viewFrom(session: ChatSession, party: Participant, fromPosition: number | undefined): SessionView {
  const events = fromPosition === undefined ? [] : session.eventsFor(party.userId, fromPosition).map((event) => ({ event, from: sender(session, event) }));
  return viewOf(session, party, events);
}

function viewOf(session: ChatSession, party: Participant, events: EventView[]): SessionView {
  return {
    sessionId: session.id,
    userId: party.userId,
    closed: session.isClosed,
    left: !party.present,
    monitored: supportsMonitoredFlag(party.clientVersion) && session.isMonitored(),
    clientVersion: party.clientVersion,
    nextPosition: session.nextPosition,
    events,
  };
}

/** The party `event` is from, as readers need it; the server's own events are from SYSTEM. */
export function sender(session: ChatSession, event: ChatEvent): EventSender {
  const party = session.participant(event.userId);
  return {
    userId: event.userId,
    nickname: event.nickname,
    userType: party?.userType ?? 'SYSTEM',
    partyNumber: party?.partyNumber ?? 0,
    isBot: party?.isBot ?? false,
  };
}
