import { mergeKv } from '../kv';
import type { AfterAction, ChatEvent, KvList, Participant, QuitReasonCode, Visibility } from '../types';
import type { JoinScope } from './access';
import { asyncProperties } from './async-status';
import { transcriptBytes } from './budget';
import { activeParty, checkUserData } from './checks';
import { Command } from './command';
import * as files from './file-transfer';
import { configureIdleControl } from './inactivity-control';
import * as lifecycle from './lifecycle';
import * as messaging from './messaging';
import * as parties from './parties';
import { boundedKv } from './input';
import * as presence from './presence';
import { refreshed } from './push-notifications';
import type { Change, CreateSessionRequest, JoinRequest, LeaveOptions, MessageRequest, NoticeRequest } from './requests';
import type { SessionContext, SessionState } from './state';
import * as liveness from './liveness';
import * as timers from './timers';
import * as views from './views';
import { changeVisibility } from './visibility-change';
import * as workflow from './workflow';

/**
 * One chat session: the aggregate root. It does no I/O: time and ids come from the context, and every command
 * returns the events it appended, for the caller to deliver, persist and publish.
 *
 * Its rules live in parts, each handed what it needs: the state, or a `Command` made for the command under way (the
 * state, the context, and the record of what changed). Kept lean, a server holding many sessions at once, most of
 * them idle: a session is its state and the shared context, nothing more.
 */
export class ChatSession {
  private constructor(
    readonly state: SessionState,
    private readonly ctx: SessionContext,
  ) {}

  /** Creates a session with its first party: a customer, or an agent in outbound mode. */
  static create(ctx: SessionContext, request: CreateSessionRequest): { session: ChatSession; creator: Participant; change: Change } {
    const { command, creator } = lifecycle.createSession(ctx, request);
    return { session: new ChatSession(command.state, ctx), creator, change: command.finish(false) };
  }

  /** Rebuilds a session from stored state; what the transcript counts against `transcript-max-size` is counted again. */
  static fromState(ctx: SessionContext, state: SessionState): ChatSession {
    state.transcriptBytes = transcriptBytes(state.transcript);
    return new ChatSession(state, ctx);
  }

  get id(): string {
    return this.state.id;
  }

  get isClosed(): boolean {
    return this.state.status === 'CLOSED';
  }

  /** Position the next event will take: the customer API's `nextPosition` is this + 1. */
  get nextPosition(): number {
    return this.state.transcript.length;
  }

  get password(): string | undefined {
    return this.state.password;
  }

  participant(userId: string): Participant | undefined {
    return presence.findParticipant(this.state, userId);
  }

  presentParticipants(): Participant[] {
    return presence.presentParticipants(this.state);
  }

  get isAsync(): boolean {
    return this.state.async !== undefined;
  }

  /** Interaction properties that describe the session now (async status and check time). */
  interactionProperties(): Record<string, string> {
    return asyncProperties(this.state, this.ctx.rules);
  }

  bindInteraction(interactionId: string): void {
    this.state.interactionId = interactionId;
  }

  /** True while a supervisor monitors the session (joined with VIP visibility). */
  isMonitored(): boolean {
    return presence.isMonitored(this.state);
  }

  /**
   * Adds a party; with an enforced session password it must be presented in `GCTI_Chat_SessionPassword`. `scope`: what
   * the agent API vouches for from the party's token (see `checkJoin`).
   */
  join(request: JoinRequest, scope?: JoinScope): { participant: Participant; change: Change } {
    let participant: Participant | undefined;
    const change = this.run((command) => (participant = parties.join(command, request, scope)));
    return { participant: participant as Participant, change };
  }

  message(userId: string, request: MessageRequest): Change {
    return this.run((command) => messaging.sendMessage(command, userId, request));
  }

  notice(userId: string, request: NoticeRequest): Change {
    return this.run((command) => messaging.sendNotice(command, userId, request));
  }

  /** The party changes its own visibility (monitor, coach, conference) without leaving: see visibility-change.ts. */
  changeVisibility(userId: string, visibility: Visibility): Change {
    return this.run((command) => changeVisibility(command, userId, visibility));
  }

  /** A workflow (ESP) posts a message, as an EXTERNAL party with the given nickname. */
  externalMessage(nickname: string, request: MessageRequest): Change {
    return this.run((command) => workflow.externalMessage(command, nickname, request));
  }

  /** A workflow (ESP) posts a notice: `USER_PUSHED_URL` (a push URL) or `USER_CUSTOM`. */
  externalNotice(nickname: string, request: NoticeRequest): Change {
    return this.run((command) => workflow.externalNotice(command, nickname, request));
  }

  /** The workflow placed the async session on hold (ESP `PlaceOnHold`): status -2 until the customer writes. */
  placeOnHold(): Change {
    return this.run((command) => workflow.placeOnHold(command));
  }

  /** ESP `CloseSession`: closes the session, or with `closeIfNoAgents` only when no agent is present. */
  closeSession(closeIfNoAgents: boolean): Change {
    return this.run((command) => workflow.closeSession(command, closeIfNoAgents));
  }

  /**
   * ESP `IdleControlConfigure`: the session's own inactivity-control parameters (`reset-parameters=true` drops those
   * set before); a running idle period starts again. A bad parameter is refused, naming it, and changes nothing.
   */
  configureIdleControl(parameters: Readonly<Record<string, string>>): Change {
    return this.run((command) => configureIdleControl(command, parameters));
  }

  /** ESP `ConfigureSession`: language of the session, and `async-idle-reset` restarting async idle timing. */
  configureSession(options: { asyncIdleReset?: boolean; languageCode?: string; languageName?: string }): Change {
    return this.run((command) => workflow.configureSession(command, options));
  }

  /** The file-transfer limits and what this session has used, in the keys GMS clients read. */
  fileLimits(): Record<string, string> {
    return files.fileLimits(this.state, this.ctx.rules);
  }

  /** Refuses, before anything is stored, an upload the party may not make. Agents have no limits. */
  checkUpload(userId: string, file: { name: string; size: number }): void {
    const party = activeParty(this.state, userId);
    this.touch(userId);
    files.checkUpload(this.state, this.ctx.rules, party, file);
  }

  /** A download of a file posted in this session; a customer's downloads are counted against `download-attempts`. */
  download(userId: string, fileId: string): { documentId: string; name: string } {
    return files.download(this.state, this.ctx.rules, activeParty(this.state, userId), fileId);
  }

  /** Merges into the session user data, which stays within the user data limits; the transcript does not change. */
  updateUserData(userId: string, userData: KvList): void {
    activeParty(this.state, userId);
    const merged = mergeKv(this.state.userData, checkUserData(this.ctx.rules, userData));
    this.state.userData = boundedKv(this.ctx.rules.input, merged, 'session user data');
  }

  /** A party releases itself, with an after-action deciding the fate of the session. */
  leave(userId: string, afterAction: AfterAction, options: LeaveOptions = {}): Change {
    return this.run((command) => parties.leave(command, userId, afterAction, options));
  }

  /**
   * The server removes a party: `3` for protocol inactivity or a dropped connection, `5` for system reasons,
   * `7` for session inactivity, `8` during restoration. The session closes when nobody is left.
   */
  removeBySystem(userId: string, quitReasonCode: Exclude<QuitReasonCode, '0' | '4'>): Change {
    return this.run((command) => parties.removeBySystem(command, userId, quitReasonCode));
  }

  /** The server closes the session, removing every party (e.g. the workflow stopped the interaction). */
  closeBySystem(quitReasonCode: Exclude<QuitReasonCode, '0' | '4'> = '5'): Change {
    return this.run((command) => {
      if (!this.isClosed) parties.closeNow(command, quitReasonCode);
    });
  }

  /** Makes a session loaded from storage on another node fit to serve (HA restoration, see lifecycle.ts). */
  restore(): Change {
    const command = new Command(this.state, this.ctx);
    lifecycle.restore(command);
    // A session that was closed when saved stays closed, and says so again to whoever commits the restoration.
    return command.finish(this.isClosed);
  }

  /** A flex party made a protocol request: its liveness timer starts again. */
  touch(userId: string): void {
    liveness.touch(this.state, userId, this.ctx.clock.now());
  }

  /** The party read the transcript (a refresh): a push-subscribed customer's resending stops (push-notifications.ts). */
  refreshed(userId: string): boolean {
    return this.state.push !== undefined && refreshed(this.state, userId);
  }

  /** A live connection now carries this party's events; while one does, it confirms the party alive (liveness.ts). */
  attach(userId: string): void {
    liveness.attach(this.state, userId, this.ctx.clock.now());
  }

  detach(userId: string): void {
    liveness.detach(this.state, userId, this.ctx.clock.now());
  }

  /** The events `viewerId` may see, from transcript position `fromPosition` on, in the viewer's protocol version. */
  eventsFor(viewerId: string, fromPosition = 0): ChatEvent[] {
    return views.eventsFor(this.state, viewerId, fromPosition, this.ctx.rules.pii);
  }

  /** `event` as `viewer` sees it, or undefined if the viewer may not see it. */
  viewFor(event: ChatEvent, viewer: Participant): ChatEvent | undefined {
    return views.viewFor(this.state, event, viewer, this.ctx.rules.pii);
  }

  /** When this session next needs `expire()`: the earliest deadline of its timers (timers.ts). */
  nextDeadline(): number | undefined {
    return timers.nextDeadline(this.state, this.ctx.rules);
  }

  /** Applies every deadline that has passed; `drop` says the closed session may now be forgotten. */
  expire(): Change & { drop: boolean } {
    let drop = false;
    const change = this.run((command) => {
      timers.expireTimers(command, this.ctx.clock.now());
      drop = command.drop;
    });
    return { ...change, drop };
  }

  /** Runs `action` as one command; the change says `closed` when the command closed the session. */
  private run(action: (command: Command) => unknown): Change {
    const wasClosed = this.isClosed;
    const command = new Command(this.state, this.ctx);
    action(command);
    return command.finish(!wasClosed && this.isClosed);
  }
}
