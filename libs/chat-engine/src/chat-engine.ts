import {
  ChatError,
  ChatSession,
  type AfterAction,
  type ChatEvent,
  type Change,
  type JoinRequest,
  type JoinScope,
  type KvList,
  type LeaveOptions,
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
import { engineParts, type ChatEngineDeps, type EngineParts } from './engine-parts';
import { viewFrom } from './live-delivery';
import { deniedIfNotFound, partyOf } from './party-access';

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

  /** Over the load limit: takes no new or restored session (`limit-for-sessions`, `limits-restore-threshold`). */
  get overLimit(): boolean {
    return this.parts.limits?.overLimit(this.parts.registry.size) ?? false;
  }

  async createSession(request: CreateRequest): Promise<{ party: PartyCredentials; view: SessionView }> {
    this.parts.limits?.assertUnder(this.parts.registry.size);
    const { session, creator, change } = ChatSession.create(this.parts.context, {
      id: this.parts.context.ids.sessionId(),
      creator: request.creator,
      ...(request.userData ? { userData: request.userData } : {}),
      ...(request.service ? { service: request.service } : {}),
    });
    this.parts.registry.add(session);
    await this.parts.restoration?.claimNew(session);
    await this.parts.events.created(session);
    await this.commit(session, { ...change, properties: undefined });
    return { party: credentials(session, creator), view: viewFrom(session, creator, 0) };
  }

  async join(sessionId: string, request: JoinRequest, scope?: JoinScope): Promise<{ party: PartyCredentials; view: SessionView }> {
    // An agent desktop's join restores a session of a lost node only as `session-restore-extend-by` allows.
    const session = await this.session(sessionId, request.protocol === 'BASIC' ? 'agent' : 'always');
    const { participant, change } = session.join(request, scope);
    this.parts.registry.addParty(session, participant);
    await this.commit(session, change);
    return { party: credentials(session, participant), view: viewFrom(session, participant, 0) };
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

  async findParty(secureKey: string): Promise<Actor | undefined> {
    const found = this.parts.registry.byKey(secureKey);
    return found && { sessionId: found.session.id, userId: found.party.userId, secureKey };
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
      this.forget(session);
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

  async fileLimits(actor: Actor, readFrom?: number): Promise<{ limits: Record<string, string>; view: SessionView }> {
    const { session, party } = await this.authenticate(actor);
    session.touch(party.userId);
    this.reschedule(session);
    return { limits: session.fileLimits(), view: viewFrom(session, party, readFrom) };
  }

  async checkUpload(actor: Actor, file: { name: string; size: number }): Promise<{ interactionId?: string }> {
    const { session, party } = await this.authenticate(actor);
    session.checkUpload(party.userId, file);
    this.reschedule(session);
    const { interactionId } = session.state;
    return interactionId ? { interactionId } : {};
  }

  async download(actor: Actor, fileId: string): Promise<{ documentId: string; name: string }> {
    const { session, party } = await this.authenticate(actor);
    session.touch(party.userId);
    this.reschedule(session);
    return session.download(party.userId, fileId);
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

  /** Applies every timer that has expired; answers the sessions whose timer failed (tried again a little later). */
  tick(): Promise<Array<{ sessionId: string; error: unknown }>> {
    return this.parts.timers.tick(
      (sessionId) => this.parts.registry.get(sessionId),
      async (session) => {
        const { drop, ...change } = session.expire();
        if (drop) this.forget(session);
        else await this.commit(session, change);
      },
    );
  }

  /** Drops this node's copy of a session another node has taken over (`session-restore-do-purge`). */
  async purgeTakenOver(sessionId: string): Promise<boolean> {
    return (await this.parts.restoration?.purgeTakenOver(sessionId)) ?? false;
  }

  private forget(session: ChatSession): void {
    this.parts.forget(session);
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
    const change = command(session, party.userId);
    await this.commit(session, change);
    // A command that answers with the transcript is a refresh as well (a GMS request carrying transcriptPosition).
    if (readFrom !== undefined) await this.refreshedBy(session, party.userId);
    return { event: change.events[0], view: viewFrom(session, party, readFrom) };
  }

  /**
   * A customer's refresh. One that stops a pending push resend is committed as a change with no event: saved where
   * changes are, so that a node restoring the session does not resend; its timers are looked at again.
   */
  private async refreshedBy(session: ChatSession, userId: string): Promise<void> {
    if (session.refreshed(userId)) await this.commit(session, { events: [], closed: false, configured: true });
  }

  /** The session held here, or restored here (cluster) if `by` may restore it. */
  private async session(sessionId: string, by: RestoreRequest = 'always'): Promise<ChatSession> {
    const held = this.parts.registry.get(sessionId);
    if (held) return held;
    if (!this.parts.restoration) throw new ChatError('SESSION_NOT_FOUND', `chat session ${sessionId} not found`);
    return this.parts.restoration.restore(sessionId, by);
  }

  /** The session and party of a party's call (see `partyOf`). */
  private async authenticate(actor: Actor): Promise<{ session: ChatSession; party: Participant }> {
    const session = await this.session(actor.sessionId).catch(deniedIfNotFound);
    return { session, party: partyOf(session, actor) };
  }

  private commit(session: ChatSession, change: Change): Promise<void> {
    return this.parts.changes.commit(session, change);
  }

  private reschedule(session: ChatSession): void {
    this.parts.timers.schedule(session);
  }
}

function credentials(session: ChatSession, party: Participant): PartyCredentials {
  return { sessionId: session.id, userId: party.userId, secureKey: party.secureKey, partyNumber: party.partyNumber };
}
