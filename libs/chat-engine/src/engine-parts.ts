import type { ChatEvent, ChatSession, Clock, IdSource, SessionContext, SessionRules } from '@ocs/chat-domain';
import type { EventBus, PartyKeyIndex, SessionMetrics, TranscriptStore } from '@ocs/ports';
import { ChangeCommit } from './change-commit';
import { SessionSaver, type Durability } from './durability';
import type { SessionLimitOptions } from './limits';
import { FileTransfer } from './file-transfer';
import { LiveDelivery } from './live-delivery';
import { MembershipLease } from './membership-lease';
import { NodeLoad } from './node-load';
import { SessionAccess } from './party-access';
import { PartyKeys } from './party-keys';
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
  /** Told of sessions, parties, messages, refusals (the application metrics and the KPI counters); none: nothing counted. */
  metrics?: SessionMetrics;
  /** Per-change saving of the session state (`transcript-auto-save` and its companions); off when absent. */
  durability?: Durability;
  /** Session ownership and restoration on a cluster; without it the engine serves only what it created. */
  ownership?: OwnershipPolicy;
  /** Waits between save attempts; tests pass one that does not sleep. */
  sleep?: (ms: number) => Promise<void>;
  /** `limits-control-enabled`: past a limit, no new or restored session nor flex login until back to `restorePercent` of it. */
  limits?: SessionLimitOptions;
  /** The interactions of every node (cluster): finds the session of an interaction this node does not hold. */
  interactions?: { get(interactionId: string): Promise<{ sessionId: string } | undefined> };
  /** The session of each party's secure key, durable (cluster): a key presented alone is found while no node holds its session. */
  partyKeys?: PartyKeyIndex;
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
  /** The node's load and its limits (`limits-control-enabled`). */
  load: NodeLoad;
  /** Told of what the engine does beyond committed changes (requests refused, timer work); none: nothing counted. */
  metrics?: SessionMetrics;
  /** Restoration of sessions of lost nodes, on a cluster. */
  restoration?: Restoration;
  /** Finds the session of a call, held or restored, and checks a party's credentials. */
  access: SessionAccess;
  /** A customer's file transfer. */
  files: FileTransfer;
  /** New parties' keys recorded durably (cluster), and looked up. */
  keys: PartyKeys;
  /** The node's standing in the membership, on a cluster: copies held are checked after it lapsed. */
  lease?: MembershipLease;
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
  const { metrics } = deps;
  const load = new NodeLoad(registry, deps.limits, clock, metrics?.refused?.bind(metrics));
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
      assertUnderLimit: () => load.assertUnder(),
      commit: (session, change) => changes.commit(session, change),
      forget,
    });
  const lease = ownership && new MembershipLease({ clock, nodeId: ownership.nodeId, ownership: ownership.store, registry, forget });
  const access = new SessionAccess(registry, restoration, lease, metrics);
  const files = new FileTransfer(access, timers);
  const keys = new PartyKeys(deps.partyKeys);
  return { context, registry, live, events, timers, changes, load, ...(metrics ? { metrics } : {}), restoration, lease, access, files, keys, forget };
}
