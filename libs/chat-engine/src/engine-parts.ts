import type { ChatEvent, ChatSession, Clock, IdSource, SessionContext, SessionRules } from '@ocs/chat-domain';
import type { EventBus, SessionMetrics, TranscriptStore } from '@ocs/ports';
import { ChangeCommit } from './change-commit';
import { SessionSaver, type Durability } from './durability';
import { SessionLimits, type SessionLimitOptions } from './limits';
import { LiveDelivery } from './live-delivery';
import { Restoration, type OwnershipPolicy } from './restoration';
import { SessionEvents } from './session-events';
import { SessionRegistry } from './session-registry';
import { SessionTimers } from './session-timers';

export interface ChatEngineDeps {
  clock: Clock;
  ids: IdSource;
  rules: SessionRules;
  store: TranscriptStore;
  bus: EventBus;
  /** Told when a live listener throws; delivery to the other listeners goes on. */
  onListenerError?: (sessionId: string, error: unknown) => void;
  /** Told of the events of each committed change, as kept (masked where PII masking says): the debug log of messages. */
  onCommitted?: (sessionId: string, events: readonly ChatEvent[]) => void;
  /** The application metrics of sessions and messages; none: nothing counted. */
  metrics?: SessionMetrics;
  /** Per-change saving of the session state (`transcript-auto-save` and its companions); off when absent. */
  durability?: Durability;
  /** Session ownership and restoration on a cluster; without it the engine serves only what it created. */
  ownership?: OwnershipPolicy;
  /** Waits between save attempts; tests pass one that does not sleep. */
  sleep?: (ms: number) => Promise<void>;
  /** `limits-control-enabled`: past `sessions` held, no new or restored session until back to `restorePercent` of it. */
  limits?: SessionLimitOptions;
  /** The interactions of every node (cluster): finds the session of an interaction this node does not hold. */
  interactions?: { get(interactionId: string): Promise<{ sessionId: string } | undefined> };
}

/** The rooms of the engine, each handed what it needs. */
export interface EngineParts {
  /** What every session is given (one object shared by all, not one each). */
  context: SessionContext;
  registry: SessionRegistry;
  live: LiveDelivery;
  events: SessionEvents;
  timers: SessionTimers;
  changes: ChangeCommit;
  /** Load limits, when `limits-control-enabled`. */
  limits?: SessionLimits;
  /** Restoration of sessions of lost nodes, on a cluster. */
  restoration?: Restoration;
  /** Lets go of a session: its keys, saves in order and live listeners. */
  forget(session: ChatSession): void;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Builds the engine's rooms from its dependencies: the options that are absent leave their room out. */
export function engineParts(deps: ChatEngineDeps): EngineParts {
  const { clock, store, durability, ownership } = deps;
  const context: SessionContext = { clock, ids: deps.ids, rules: deps.rules };
  const registry = new SessionRegistry();
  const live = new LiveDelivery(deps.onListenerError);
  const events = new SessionEvents(deps.bus, ownership?.nodeId, deps.metrics);
  const timers = new SessionTimers(clock);
  const saver =
    durability && durability.autoSave > 0 ? new SessionSaver({ store, durability, nodeId: ownership?.nodeId, sleep: deps.sleep ?? sleepFor }) : undefined;
  const limits = deps.limits ? new SessionLimits(deps.limits) : undefined;
  const forget = (session: ChatSession) => {
    registry.remove(session);
    saver?.forget(session.id);
    live.forget(session.id);
  };
  const noticeSaves = saver !== undefined && durability?.autoSave === 2;
  const changes = new ChangeCommit({
    clock,
    store,
    saver,
    noticeSaves,
    live,
    events,
    timers,
    forget,
    ...(deps.onCommitted ? { onCommitted: deps.onCommitted } : {}),
  });
  const restoration =
    ownership &&
    new Restoration({
      policy: ownership,
      store,
      context,
      registry,
      events,
      assertUnderLimit: () => limits?.assertUnder(registry.size),
      commit: (session, change) => changes.commit(session, change),
      forget,
    });
  return { context, registry, live, events, timers, changes, limits, restoration, forget };
}
