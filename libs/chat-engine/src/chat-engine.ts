import {
  ChatSession,
  type AfterAction,
  type ChatEvent,
  type Change,
  type JoinRequest,
  type JoinScope,
  type KvList,
  type LeaveOptions,
  type LiveSession,
  type MessageRequest,
  type NoticeRequest,
  type Participant,
  type Visibility,
} from '@ocs/chat-domain';
import type {
  Actor,
  ChatEngineApi,
  CreateRequest,
  LiveAttachment,
  Outcome,
  PartyCredentials,
  HeldSession,
  SessionInfo,
  SessionView,
  ViewListener,
  WorkflowRequest,
} from './engine-api';
import type { RestoreRequest } from './restoration';
import type { LeaseRenewal } from './membership-lease';
import { engineParts, type ChatEngineDeps, type EngineParts } from './engine-parts';
import { viewFrom } from './live-delivery';
import { credentials } from './party-access';
import type { NodeLoad } from './node-load';

/**
 * Owns live sessions: runs each command through the session's rules, then commits what changed: saved (when
 * durability asks for it), delivered to the parties attached live, published on the bus, acknowledged. Timers apply
 * when `tick()` is called. No I/O of its own: storage and bus are ports, time comes from the injected clock.
 */
export class ChatEngine implements ChatEngineApi {
  private readonly parts: EngineParts;

  constructor(private readonly deps: ChatEngineDeps) {
    this.parts = engineParts(deps);
  }

  get sessionCount(): number {
    return this.parts.registry.size;
  }

  /** The sessions this node holds, for an operator (`GET /engine/sessions`). */
  heldSessions(): HeldSession[] {
    return this.parts.registry.summaries();
  }

  async liveSessions(scope: JoinScope): Promise<LiveSession[]> {
    return this.parts.registry.supervisable(scope, this.deps.clock.now());
  }

  /** The node's load and its limits: over a limit or not, the reply delays measured, the customers present (`gms_info`). */
  get load(): NodeLoad {
    return this.parts.load;
  }

  async createSession(request: CreateRequest): Promise<{ party: PartyCredentials; view: SessionView }> {
    this.parts.load.assertUnder();
    const { session, creator, change } = ChatSession.create(this.parts.context, {
      id: this.parts.context.ids.sessionId(),
      creator: request.creator,
      ...(request.userData ? { userData: request.userData } : {}),
      ...(request.service ? { service: request.service } : {}),
    });
    const party = await this.parts.keys.recorded(credentials(session, creator));
    this.parts.registry.add(session);
    await this.parts.restoration?.claimNew(session);
    await this.parts.events.created(session);
    await this.commit(session, { ...change, properties: undefined });
    return { party, view: viewFrom(session, creator, 0) };
  }

  async join(sessionId: string, request: JoinRequest, scope?: JoinScope): Promise<{ party: PartyCredentials; view: SessionView }> {
    // An agent desktop's join restores a session of a lost node only as `session-restore-extend-by` allows.
    const session = await this.session(sessionId, request.protocol === 'BASIC' ? 'agent' : 'always');
    if (request.protocol === 'FLEX') this.parts.load.assertUnder();
    const { participant, change } = session.join(request, scope);
    this.parts.registry.addParty(session, participant);
    await this.commit(session, change);
    return { party: await this.parts.keys.recorded(credentials(session, participant)), view: viewFrom(session, participant, 0) };
  }

  async read(actor: Actor, fromPosition: number): Promise<SessionView> {
    const { session, party } = await this.authenticate(actor);
    session.touch(party.userId);
    this.reschedule(session);
    await this.refreshedBy(session, party.userId);
    return viewFrom(session, party, fromPosition);
  }

  message(actor: Actor, request: MessageRequest, readFrom?: number): Promise<Outcome> {
    return this.act(actor, readFrom, (session, userId) => session.message(userId, request));
  }

  notice(actor: Actor, request: NoticeRequest, readFrom?: number): Promise<Outcome> {
    return this.act(actor, readFrom, (session, userId) => session.notice(userId, request));
  }

  changeVisibility(actor: Actor, visibility: Visibility, readFrom?: number): Promise<Outcome> {
    return this.act(actor, readFrom, (session, userId) => session.changeVisibility(userId, visibility));
  }

  async updateUserData(actor: Actor, userData: KvList, readFrom?: number): Promise<SessionView> {
    const { session, party } = await this.authenticate(actor);
    session.touch(party.userId);
    session.updateUserData(party.userId, userData);
    this.reschedule(session);
    return viewFrom(session, party, readFrom);
  }

  leave(actor: Actor, afterAction: AfterAction, options: LeaveOptions = {}, readFrom?: number): Promise<Outcome> {
    return this.act(actor, readFrom, (session, userId) => session.leave(userId, afterAction, options));
  }

  async disconnect(actor: Actor): Promise<void> {
    const { session, party } = await this.authenticate(actor);
    if (!party.present || session.isClosed) return;
    await this.commit(session, session.removeBySystem(party.userId, '3'));
  }

  findParty(secureKey: string, sessionId?: string): Promise<Actor | undefined> {
    return this.parts.access.findParty(secureKey, sessionId);
  }

  /** The session a party's secure key was recorded for (cluster), held here or not; the gateways ask it of a key no node holds. */
  sessionOfKey(secureKey: string): Promise<string | undefined> {
    return this.parts.keys.sessionOf(secureKey);
  }

  async bindInteraction(sessionId: string, interactionId: string): Promise<void> {
    this.parts.registry.bindInteraction(await this.session(sessionId), interactionId);
  }

  async findByInteraction(interactionId: string): Promise<string | undefined> {
    return this.parts.registry.byInteraction(interactionId) ?? (await this.deps.interactions?.get(interactionId))?.sessionId;
  }

  externalMessage(sessionId: string, nickname: string, request: MessageRequest): Promise<ChatEvent> {
    return this.posted(sessionId, (session) => session.externalMessage(nickname, request));
  }

  externalNotice(sessionId: string, nickname: string, request: NoticeRequest): Promise<ChatEvent> {
    return this.posted(sessionId, (session) => session.externalNotice(nickname, request));
  }

  async placeOnHold(sessionId: string): Promise<void> {
    const session = await this.session(sessionId);
    await this.commit(session, session.placeOnHold());
  }

  async closeSession(sessionId: string, options: { closeIfNoAgents?: boolean; purge?: boolean } = {}): Promise<{ closed: boolean }> {
    const session = await this.session(sessionId);
    if (options.purge) {
      this.parts.forget(session);
      await this.parts.events.purged(sessionId);
      return { closed: true };
    }
    if (session.isClosed) return { closed: true };
    await this.commit(session, session.closeSession(options.closeIfNoAgents ?? false));
    return { closed: session.isClosed };
  }

  async sessionInfo(sessionId: string, workflow?: WorkflowRequest): Promise<SessionInfo> {
    const { state } = await this.session(sessionId, workflow === undefined ? 'always' : workflow.restore ? 'esp' : 'never');
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
    const session = await this.session(sessionId);
    await this.commit(session, session.configureIdleControl(parameters));
  }

  async configureSession(sessionId: string, options: { asyncIdleReset?: boolean; languageCode?: string; languageName?: string }): Promise<void> {
    const session = await this.session(sessionId);
    await this.commit(session, session.configureSession(options));
  }

  fileLimits(actor: Actor, readFrom?: number): Promise<{ limits: Record<string, string>; view: SessionView }> {
    return this.parts.files.limits(actor, readFrom);
  }

  checkUpload(actor: Actor, file: { name: string; size: number }): Promise<{ interactionId?: string }> {
    return this.parts.files.checkUpload(actor, file);
  }

  download(actor: Actor, fileId: string): Promise<{ documentId: string; name: string }> {
    return this.parts.files.download(actor, fileId);
  }

  async attach(actor: Actor, fromPosition: number, listener: ViewListener): Promise<LiveAttachment> {
    const { session, party } = await this.authenticate(actor);
    const stop = this.parts.live.attach(session, party, listener);
    session.attach(party.userId);
    this.reschedule(session);
    let attached = true;
    return {
      view: viewFrom(session, party, fromPosition),
      detach: () => {
        if (!attached) return;
        attached = false;
        stop();
        session.detach(party.userId);
        this.reschedule(session);
      },
    };
  }

  /** Earliest time at which `tick()` has work to do. */
  nextDeadline(): number | undefined {
    return this.parts.timers.next();
  }

  /** Applies expired timers (not while the membership lease is in doubt); answers those that failed (tried again later). */
  async tick(): Promise<Array<{ sessionId: string; error: unknown }>> {
    if (this.parts.lease?.inDoubt()) return [];
    const { clock } = this.parts.context;
    const activity = this.parts.metrics?.activity;
    const started = activity ? clock.now() : 0;
    try {
      return await this.parts.timers.tick(
        (sessionId) => this.parts.registry.get(sessionId),
        async (session) => {
          const { drop, ...change } = session.expire();
          if (drop) this.parts.forget(session);
          else await this.commit(session, change);
        },
      );
    } finally {
      activity?.call(this.parts.metrics, clock.now() - started);
    }
  }

  /** One membership heartbeat (`beat`, alive for `ttlMs`); after a lapse, sessions taken over meanwhile are let go. */
  renewMembership(ttlMs: number, beat: () => Promise<void>): Promise<LeaseRenewal> {
    return this.parts.lease ? this.parts.lease.renew(ttlMs, beat) : beat().then(() => ({ lapsed: false, forgotten: 0 }));
  }

  /** Drops this node's copy of a session another node has taken over (`session-restore-do-purge`). */
  async purgeTakenOver(sessionId: string): Promise<boolean> {
    return (await this.parts.restoration?.purgeTakenOver(sessionId)) ?? false;
  }

  /** A workflow's message or notice (trusted caller): answers the last event appended (after the workflow party's join, if it joined). */
  private async posted(sessionId: string, command: (session: ChatSession) => Change): Promise<ChatEvent> {
    const session = await this.session(sessionId);
    const change = command(session);
    await this.commit(session, change);
    return change.events[change.events.length - 1];
  }

  /** Runs a party's command; answers its first event (the party's own) and the party's view from `readFrom`. */
  private async act(actor: Actor, readFrom: number | undefined, command: (session: ChatSession, userId: string) => Change): Promise<Outcome> {
    const { session, party } = await this.authenticate(actor);
    session.touch(party.userId);
    let change: Change;
    try {
      change = command(session, party.userId);
    } catch (error) {
      throw this.parts.access.failed(error);
    }
    await this.commit(session, change);
    // A command that answers with the transcript is a refresh as well (a GMS request carrying transcriptPosition).
    if (readFrom !== undefined) await this.refreshedBy(session, party.userId);
    // A repeated message (same client message id) appended nothing: its answer is the message stored the first time.
    return { event: change.repeated ?? change.events[0], view: viewFrom(session, party, readFrom) };
  }

  /**
   * A customer's refresh. One that stops a pending push resend is committed as a change with no event: saved where
   * changes are, so that a node restoring the session does not resend; its timers are looked at again.
   */
  private async refreshedBy(session: ChatSession, userId: string): Promise<void> {
    if (session.refreshed(userId)) await this.commit(session, { events: [], closed: false, configured: true });
  }

  /** The session held here (after a membership lapse, only if still this node's), or restored here if `by` may. */
  private session(sessionId: string, by: RestoreRequest = 'always'): Promise<ChatSession> {
    return this.parts.access.session(sessionId, by);
  }

  private authenticate(actor: Actor): Promise<{ session: ChatSession; party: Participant }> {
    return this.parts.access.authenticate(actor);
  }

  private commit(session: ChatSession, change: Change): Promise<void> {
    return this.parts.changes.commit(session, change);
  }

  private reschedule(session: ChatSession): void {
    this.parts.timers.schedule(session);
  }
}
