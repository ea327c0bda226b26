import {
  ChatError,
  ChatSession,
  DeadlineQueue,
  sameSecret,
  supportsMonitoredFlag,
  type AfterAction,
  type ChatEvent,
  type Change,
  type Clock,
  type IdSource,
  type JoinRequest,
  type KvList,
  type LeaveOptions,
  type MessageRequest,
  type NoticeRequest,
  type Participant,
  type SessionContext,
  type SessionRules,
} from '@ocs/chat-domain';
import { NotOwnerError, TOPICS, type NodeCommandRecord, type SessionEventRecord } from '@ocs/contracts';
import { OwnershipLostError, type BusRecord, type EventBus, type OwnershipStore, type TranscriptStore } from '@ocs/ports';
import { GroupSaver } from './group-saver';
import type {
  Actor,
  ChatEngineApi,
  CreateRequest,
  EventView,
  LiveAttachment,
  PartyCredentials,
  SessionInfo,
  SessionView,
  TranscriptNotice,
  ViewListener,
} from './engine-api';

export interface ChatEngineDeps {
  clock: Clock;
  ids: IdSource;
  rules: SessionRules;
  store: TranscriptStore;
  bus: EventBus;
  /** Told when a live listener throws; delivery to the other listeners goes on. */
  onListenerError?: (sessionId: string, error: unknown) => void;
  /** Per-change saving of the session state (`transcript-auto-save` and its companions); off when absent. */
  durability?: Durability;
  /** Session ownership and restoration on a cluster; without it the engine serves only what it created. */
  ownership?: OwnershipPolicy;
  /** Waits between save attempts; tests pass one that does not sleep. */
  sleep?: (ms: number) => Promise<void>;
  /** `limits-control-enabled`: past `sessions` held, no new or restored session until back to `restorePercent` of it. */
  limits?: { sessions: number; restorePercent: number };
  /** The interactions of every node (cluster): finds the session of an interaction this node does not hold. */
  interactions?: { get(interactionId: string): Promise<{ sessionId: string } | undefined> };
}

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

export interface OwnershipPolicy {
  nodeId: string;
  store: OwnershipStore;
  /** Whether a node is alive (membership); a session of a dead node may be restored here. */
  isAlive(nodeId: string): Promise<boolean>;
  /** `session-restore-do-purge`: after restoring a session, ask its previous owner to drop its copy. */
  purgePrevious?: boolean;
}

interface Listener {
  userId: string;
  notify: ViewListener;
  monitored: boolean;
}

/** A session whose timer failed is tried again this much later. */
const RETRY_FAILED_TIMER_MS = 1000;

const ACCESS_DENIED = 'chat session not found, or the credentials do not match it';

/**
 * Owns live sessions: runs each command through the session's rules, delivers what changed to the parties
 * attached live, publishes every event on the bus, keeps the final transcript, and applies timers when
 * `tick()` is called. No I/O of its own: storage and bus are ports, time comes from the injected clock.
 */
export class ChatEngine implements ChatEngineApi {
  private readonly sessions = new Map<string, ChatSession>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly deadlines = new DeadlineQueue();
  /** The session of each party's secure key (the party is found in the session by its key). */
  private readonly keys = new Map<string, string>();
  private readonly interactions = new Map<string, string>();
  private readonly savers = new Map<string, GroupSaver>();
  private readonly restoring = new Map<string, Promise<ChatSession>>();
  private limited = false;
  /** What every session is given (one object shared by all, not one each). */
  private readonly sessionContext: SessionContext;

  constructor(private readonly deps: ChatEngineDeps) {
    this.sessionContext = { clock: deps.clock, ids: deps.ids, rules: deps.rules };
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Over the load limit: takes no new or restored session (`limit-for-sessions`, `limits-restore-threshold`). */
  get overLimit(): boolean {
    const limits = this.deps.limits;
    if (!limits) return false;
    const held = this.sessions.size;
    if (held >= limits.sessions) this.limited = true;
    else if (held <= Math.floor((limits.sessions * limits.restorePercent) / 100)) this.limited = false;
    return this.limited;
  }

  async createSession(request: CreateRequest): Promise<{ party: PartyCredentials; view: SessionView }> {
    this.assertUnderLimit();
    const { session, creator, change } = ChatSession.create(this.context(), {
      id: this.deps.ids.sessionId(),
      creator: request.creator,
      ...(request.userData ? { userData: request.userData } : {}),
      ...(request.service ? { service: request.service } : {}),
    });
    this.sessions.set(session.id, session);
    this.keys.set(creator.secureKey, session.id);
    const { state } = session;
    const created: SessionEventRecord = {
      type: 'created',
      sessionId: session.id,
      at: state.createdAt,
      userData: state.userData,
      properties: session.interactionProperties(),
      ...(state.service ? { service: state.service } : {}),
      ...(state.password !== undefined ? { password: state.password } : {}),
      ...(this.deps.ownership ? { nodeId: this.deps.ownership.nodeId } : {}),
    };
    if (this.deps.ownership) await this.claimNew(session, this.deps.ownership);
    await this.deps.bus.publish([{ topic: TOPICS.sessionEvents, key: session.id, value: created }]);
    await this.commit(session, { ...change, properties: undefined });
    return { party: credentials(session, creator), view: this.view(session, creator, 0) };
  }

  async join(sessionId: string, request: JoinRequest): Promise<{ party: PartyCredentials; view: SessionView }> {
    const session = await this.session(sessionId);
    const { participant, change } = session.join(request);
    this.keys.set(participant.secureKey, sessionId);
    await this.commit(session, change);
    return { party: credentials(session, participant), view: this.view(session, participant, 0) };
  }

  async read(actor: Actor, fromPosition: number): Promise<SessionView> {
    const { session, party } = await this.authenticate(actor);
    session.touch(party.userId);
    this.reschedule(session);
    return this.view(session, party, fromPosition);
  }

  message(actor: Actor, request: MessageRequest): Promise<ChatEvent> {
    return this.act(actor, (session, userId) => session.message(userId, request));
  }

  notice(actor: Actor, request: NoticeRequest): Promise<ChatEvent> {
    return this.act(actor, (session, userId) => session.notice(userId, request));
  }

  async updateUserData(actor: Actor, userData: KvList): Promise<void> {
    const { session, party } = await this.authenticate(actor);
    session.touch(party.userId);
    session.updateUserData(party.userId, userData);
  }

  leave(actor: Actor, afterAction: AfterAction, options: LeaveOptions = {}): Promise<ChatEvent> {
    return this.act(actor, (session, userId) => session.leave(userId, afterAction, options));
  }

  async disconnect(actor: Actor): Promise<void> {
    const { session, party } = await this.authenticate(actor);
    if (!party.present || session.isClosed) return;
    await this.commit(session, session.removeBySystem(party.userId, '3'));
  }

  async findParty(secureKey: string): Promise<Actor | undefined> {
    const sessionId = typeof secureKey === 'string' ? this.keys.get(secureKey) : undefined;
    const party = sessionId === undefined ? undefined : this.sessions.get(sessionId)?.state.participants.find((p) => p.secureKey === secureKey);
    return party && { sessionId: sessionId as string, userId: party.userId, secureKey };
  }

  async bindInteraction(sessionId: string, interactionId: string): Promise<void> {
    (await this.session(sessionId)).bindInteraction(interactionId);
    this.interactions.set(interactionId, sessionId);
  }

  async findByInteraction(interactionId: string): Promise<string | undefined> {
    return this.interactions.get(interactionId) ?? (await this.deps.interactions?.get(interactionId))?.sessionId;
  }

  externalMessage(sessionId: string, nickname: string, request: MessageRequest): Promise<ChatEvent> {
    return this.posted(this.system(sessionId, (session) => session.externalMessage(nickname, request)));
  }

  externalNotice(sessionId: string, nickname: string, request: NoticeRequest): Promise<ChatEvent> {
    return this.posted(this.system(sessionId, (session) => session.externalNotice(nickname, request)));
  }

  async placeOnHold(sessionId: string): Promise<void> {
    await this.system(sessionId, (session) => session.placeOnHold());
  }

  async closeSession(sessionId: string, options: { closeIfNoAgents?: boolean; purge?: boolean } = {}): Promise<{ closed: boolean }> {
    const session = await this.session(sessionId);
    if (options.purge) {
      this.forget(session);
      await this.deps.bus.publish([{ topic: TOPICS.sessionEvents, key: sessionId, value: { type: 'purged', sessionId } satisfies SessionEventRecord }]);
      return { closed: true };
    }
    if (session.isClosed) return { closed: true };
    const change = session.closeSession(options.closeIfNoAgents ?? false);
    await this.commit(session, change);
    return { closed: session.isClosed };
  }

  async sessionInfo(sessionId: string): Promise<SessionInfo> {
    const { state } = await this.session(sessionId);
    return {
      sessionId,
      createdAt: state.createdAt,
      isRestored: state.restored === true,
      closed: state.status === 'CLOSED',
      nextPosition: state.transcript.length,
      ...(state.interactionId ? { interactionId: state.interactionId } : {}),
    };
  }

  async configureIdleControl(sessionId: string, parameters: Record<string, string>): Promise<void> {
    (await this.session(sessionId)).configureIdleControl(parameters);
  }

  async configureSession(sessionId: string, options: { asyncIdleReset?: boolean; languageCode?: string; languageName?: string }): Promise<void> {
    const session = await this.session(sessionId);
    await this.commit(session, session.configureSession(options));
  }

  async fileLimits(actor: Actor): Promise<Record<string, string>> {
    const { session, party } = await this.authenticate(actor);
    session.touch(party.userId);
    return session.fileLimits();
  }

  async checkUpload(actor: Actor, file: { name: string; size: number }): Promise<void> {
    const { session, party } = await this.authenticate(actor);
    session.checkUpload(party.userId, file);
  }

  async download(actor: Actor, fileId: string): Promise<{ documentId: string; name: string }> {
    const { session, party } = await this.authenticate(actor);
    session.touch(party.userId);
    return session.download(party.userId, fileId);
  }

  async attach(actor: Actor, fromPosition: number, listener: ViewListener): Promise<LiveAttachment> {
    const { session, party } = await this.authenticate(actor);
    const entry: Listener = { userId: party.userId, notify: listener, monitored: session.isMonitored() };
    const set = this.listeners.get(session.id) ?? new Set<Listener>();
    this.listeners.set(session.id, set);
    set.add(entry);
    session.attach(party.userId);
    this.reschedule(session);
    let attached = true;
    return {
      view: this.view(session, party, fromPosition),
      detach: () => {
        if (!attached) return;
        attached = false;
        set.delete(entry);
        if (set.size === 0) this.listeners.delete(session.id);
        session.detach(party.userId);
        this.reschedule(session);
      },
    };
  }

  /** Earliest time at which `tick()` has work to do. */
  nextDeadline(): number | undefined {
    return this.deadlines.peek();
  }

  /**
   * Applies every timer that has expired: customer inactivity, end of a closed session's grace period.
   * A session whose timer fails is reported and tried again a little later; the others are not held up.
   */
  async tick(): Promise<Array<{ sessionId: string; error: unknown }>> {
    const failed: Array<{ sessionId: string; error: unknown }> = [];
    for (const id of this.deadlines.popDue(this.deps.clock.now())) {
      const session = this.sessions.get(id);
      if (!session) continue;
      try {
        const { drop, ...change } = session.expire();
        if (drop) this.forget(session);
        else await this.commit(session, change);
      } catch (error) {
        failed.push({ sessionId: id, error });
        this.deadlines.schedule(id, this.deps.clock.now() + RETRY_FAILED_TIMER_MS);
      }
    }
    return failed;
  }

  private forget(session: ChatSession): void {
    this.savers.delete(session.id);
    for (const p of session.state.participants) this.keys.delete(p.secureKey);
    if (session.state.interactionId) this.interactions.delete(session.state.interactionId);
    this.sessions.delete(session.id);
    this.listeners.delete(session.id);
  }

  /** A workflow's message or notice: the last event appended (after the workflow party's join, if it joined). */
  private async posted(events: Promise<ChatEvent[]>): Promise<ChatEvent> {
    const [last] = (await events).slice(-1);
    return last;
  }

  /** Runs a command of the workflow or the server itself (trusted callers); answers with the events appended. */
  private async system(sessionId: string, command: (session: ChatSession) => Change): Promise<ChatEvent[]> {
    const session = await this.session(sessionId);
    const change = command(session);
    await this.commit(session, change);
    return change.events;
  }

  /** Runs a party's command; answers with the first event it appended (the party's own). */
  private async act(actor: Actor, command: (session: ChatSession, userId: string) => Change): Promise<ChatEvent> {
    const { session, party } = await this.authenticate(actor);
    session.touch(party.userId);
    const change = command(session, party.userId);
    await this.commit(session, change);
    return change.events[0];
  }

  private context(): SessionContext {
    return this.sessionContext;
  }

  private async session(sessionId: string): Promise<ChatSession> {
    return this.sessions.get(sessionId) ?? this.restore(sessionId);
  }

  /** Unknown session and wrong key are refused alike, so a caller learns nothing about sessions it may not see. */
  private async authenticate(actor: Actor): Promise<{ session: ChatSession; party: Participant }> {
    const session = await this.session(actor.sessionId).catch((error: unknown) => {
      if (error instanceof ChatError && error.code === 'SESSION_NOT_FOUND') throw new ChatError('SESSION_NOT_FOUND', ACCESS_DENIED);
      throw error;
    });
    const party = session.participant(actor.userId);
    if (
      !party ||
      typeof actor.secureKey !== 'string' ||
      !sameSecret(actor.secureKey, party.secureKey) ||
      (actor.via !== undefined && actor.via !== party.protocol)
    ) {
      throw new ChatError('SESSION_NOT_FOUND', ACCESS_DENIED);
    }
    return { session, party };
  }

  private async commit(session: ChatSession, change: Change): Promise<void> {
    this.reschedule(session);
    if (change.events.length === 0 && !change.closed && !change.properties) return;
    const autoSave = this.deps.durability?.autoSave ?? 0;
    if (autoSave > 0) await this.persist(session, change);
    this.dispatch(session, change.events, autoSave === 2 ? 'save' : undefined);
    const { interactionId } = session.state;
    const values: SessionEventRecord[] = change.events.map((event) => ({ type: 'event', sessionId: session.id, event, from: sender(session, event) }));
    if (change.properties)
      values.push({ type: 'properties', sessionId: session.id, properties: change.properties, ...(interactionId ? { interactionId } : {}) });
    if (change.closed) {
      values.push({ type: 'closed', sessionId: session.id, at: this.deps.clock.now(), ...(interactionId ? { interactionId } : {}) });
      if (!this.deps.durability?.autoSave) await this.deps.store.save(session.state);
    }
    await this.deps.bus.publish(values.map((value): BusRecord<SessionEventRecord> => ({ topic: TOPICS.sessionEvents, key: session.id, value })));
  }

  /**
   * Saves the session before the change is acknowledged, retrying `transcript-resend-attempts` times. When it
   * keeps failing the change is not acknowledged; with `transcript-save-on-error=close` the session closes.
   */
  private async persist(session: ChatSession, change: Change): Promise<void> {
    const durability = this.deps.durability as Durability;
    let saver = this.savers.get(session.id);
    if (!saver) {
      saver = new GroupSaver(() => this.saveWithRetries(session, durability));
      this.savers.set(session.id, saver);
    }
    try {
      await saver.save();
    } catch (error) {
      if (error instanceof OwnershipLostError) {
        // Another node restored the session: this copy is stale, and the change was not stored.
        this.forget(session);
        throw NotOwnerError.of(session.id, error.owner);
      }
      const notice = durability.autoSave === 2 ? 'ucs-save-fail' : undefined;
      if (durability.saveOnError === 'close' && !change.closed) {
        const closing = session.closeBySystem('5');
        this.dispatch(session, [...change.events, ...closing.events], notice);
        throw new ChatError('STORAGE_UNAVAILABLE', 'the transcript could not be saved, so the session was closed');
      }
      this.dispatch(session, [], notice);
      throw new ChatError('STORAGE_UNAVAILABLE', 'the transcript could not be saved; try again');
    }
  }

  private async saveWithRetries(session: ChatSession, durability: Durability): Promise<void> {
    const sleep = this.deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.deps.store.save(session.state, this.deps.ownership?.nodeId);
      } catch (error) {
        if (attempt >= durability.resendAttempts || error instanceof OwnershipLostError) throw error;
        await sleep(durability.resendDelayMs);
      }
    }
  }

  /**
   * A session this node does not hold: with ownership configured, it is restored here if it was saved and its
   * owner is gone. Two nodes restoring at once end with one owner; the other answers NOT_OWNER.
   */
  private async restore(sessionId: string): Promise<ChatSession> {
    const policy = this.deps.ownership;
    if (!policy) throw new ChatError('SESSION_NOT_FOUND', `chat session ${sessionId} not found`);
    const pending = this.restoring.get(sessionId);
    if (pending) return pending;
    const work = this.claimAndLoad(sessionId, policy)
      .catch((error: unknown) => {
        // Storage that fails while restoring is a reason to try again, not the end of the session.
        throw error instanceof ChatError ? error : new ChatError('STORAGE_UNAVAILABLE', `chat session ${sessionId} could not be restored now; try again`);
      })
      .finally(() => this.restoring.delete(sessionId));
    this.restoring.set(sessionId, work);
    return work;
  }

  private async claimAndLoad(sessionId: string, policy: OwnershipPolicy): Promise<ChatSession> {
    const owner = await policy.store.owner(sessionId);
    if (!owner) throw new ChatError('SESSION_NOT_FOUND', `chat session ${sessionId} not found`);
    if (owner.nodeId !== policy.nodeId && (await policy.isAlive(owner.nodeId))) throw NotOwnerError.of(sessionId, owner.nodeId);
    this.assertUnderLimit();
    const claimed = await policy.store.claim(sessionId, policy.nodeId, owner.nodeId);
    if (!claimed) throw new ChatError('SESSION_NOT_FOUND', `chat session ${sessionId} not found`);
    if (claimed.nodeId !== policy.nodeId) throw NotOwnerError.of(sessionId, claimed.nodeId);
    // Loaded once the claim stands: each save of the previous owner was either written before (and is loaded
    // now) or is refused by the fence, never acknowledged and then lost.
    const state = await this.deps.store.load(sessionId);
    if (!state) throw new ChatError('SESSION_NOT_FOUND', `chat session ${sessionId} not found`);
    const session = ChatSession.fromState(this.context(), state);
    this.sessions.set(sessionId, session);
    for (const p of state.participants) this.keys.set(p.secureKey, sessionId);
    if (state.interactionId) this.interactions.set(state.interactionId, sessionId);
    const { interactionId } = state;
    await this.deps.bus.publish([
      {
        topic: TOPICS.sessionEvents,
        key: sessionId,
        value: {
          type: 'restored',
          sessionId,
          nodeId: policy.nodeId,
          previousNodeId: owner.nodeId,
          ...(interactionId ? { interactionId } : {}),
        } satisfies SessionEventRecord,
      },
    ]);
    await this.commit(session, session.restore());
    if (policy.purgePrevious && owner.nodeId !== policy.nodeId) {
      const purge: NodeCommandRecord = { type: 'purge', sessionId, nodeId: owner.nodeId, by: policy.nodeId };
      await this.deps.bus.publish([{ topic: TOPICS.nodeCommands, key: sessionId, value: purge }]);
    }
    return session;
  }

  /**
   * Drops this node's copy of a session that another node has taken over (`session-restore-do-purge`): its keys,
   * timers and live listeners go, without closing actions. A session this node still owns is kept.
   */
  async purgeTakenOver(sessionId: string): Promise<boolean> {
    const policy = this.deps.ownership;
    const session = this.sessions.get(sessionId);
    if (!policy || !session || (await policy.store.owner(sessionId))?.nodeId === policy.nodeId) return false;
    this.forget(session);
    return true;
  }

  /** A new session's first claim; it can only lose to a session of the same id, which a sound id source never makes. */
  private async claimNew(session: ChatSession, policy: OwnershipPolicy): Promise<void> {
    const claimed = await policy.store.claim(session.id, policy.nodeId);
    if (claimed?.nodeId === policy.nodeId) return;
    this.forget(session);
    throw new Error(`session id ${session.id} is already taken by node ${claimed?.nodeId ?? 'unknown'}: the id source repeats itself`);
  }

  private assertUnderLimit(): void {
    const { limits } = this.deps;
    if (!limits || !this.overLimit) return;
    const { sessions, restorePercent } = limits;
    throw new ChatError(
      'LIMIT_REACHED',
      `this node holds ${this.sessions.size} sessions, at its limit-for-sessions of ${sessions}: it takes new sessions again at ${restorePercent}% of it`,
    );
  }

  /** Delivers events to the live listeners; `notice` (`transcript-auto-save=2`) goes to desktops only. */
  private dispatch(session: ChatSession, events: readonly ChatEvent[], notice?: TranscriptNotice): void {
    const set = this.listeners.get(session.id);
    if (!set) return;
    const monitored = session.isMonitored();
    for (const listener of set) {
      const party = session.participant(listener.userId);
      if (!party) continue;
      const visible = events.flatMap((e) => {
        const shown = session.viewFor(e, party);
        return shown ? [{ event: shown, from: sender(session, e) }] : [];
      });
      const monitoredChanged = listener.monitored !== monitored && supportsMonitoredFlag(party.clientVersion);
      listener.monitored = monitored;
      const told = party.protocol === 'BASIC' ? notice : undefined;
      if (visible.length === 0 && !session.isClosed && !monitoredChanged && !told) continue;
      try {
        listener.notify({ ...this.viewOf(session, party, visible), ...(told ? { transcriptNotice: told } : {}) });
      } catch (error) {
        // One broken connection must not keep the change from the others, from storage or from the bus.
        this.deps.onListenerError?.(session.id, error);
      }
    }
  }

  private view(session: ChatSession, party: Participant, fromPosition: number): SessionView {
    const events = session.eventsFor(party.userId, fromPosition).map((event) => ({ event, from: sender(session, event) }));
    return this.viewOf(session, party, events);
  }

  private viewOf(session: ChatSession, party: Participant, events: EventView[]): SessionView {
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

  private reschedule(session: ChatSession): void {
    this.deadlines.schedule(session.id, session.nextDeadline());
  }
}

function credentials(session: ChatSession, party: Participant): PartyCredentials {
  return { sessionId: session.id, userId: party.userId, secureKey: party.secureKey, partyNumber: party.partyNumber };
}

function sender(session: ChatSession, event: ChatEvent): EventView['from'] {
  const party = session.participant(event.userId);
  return {
    userId: event.userId,
    nickname: event.nickname,
    userType: party?.userType ?? 'SYSTEM',
    partyNumber: party?.partyNumber ?? 0,
    isBot: party?.isBot ?? false,
  };
}
