import { ASYNC_CHECK_AT_KEY, ASYNC_MODE_KEY, ASYNC_STATUS_KEY, asyncCheckAt, isAsyncActivity } from './async-status';
import { ChatError } from '../errors';
import { FILE_DELETED, FILE_KEYS, FILE_UPLOADED, NO_FILES_USED, checkCustomerUpload, checkUploadNotice, fileLimitsView, findFile } from './file-transfer';
import { cloneKv, mergeKv, sameSecret, setKv, utf8Length } from '../kv';
import { eventForVersion } from '../protocol-version';
import {
  LEAVE_REASONS,
  MAX_CLIENT_VERSION,
  MIN_CLIENT_VERSION,
  NOTICE_TYPES,
  VISIBILITIES,
  type AfterAction,
  type ChatEvent,
  type KvList,
  type LeaveReason,
  type MessageEvent,
  type NewPartyEvent,
  type NoticeEvent,
  type NoticeType,
  type Participant,
  type PartyLeftEvent,
  type QuitReasonCode,
} from '../types';
import { isVisibleTo, mayRead, mayUseVisibility } from '../visibility';
import { appended, sharedService } from './memory';
import type { Change, CreateSessionRequest, JoinRequest, LeaveOptions, MessageRequest, NoticeRequest, SendOptions } from './requests';
import { ASYNC_STATUS, type AsyncState, type AsyncStatus, type SessionContext, type SessionState } from './state';

export const SESSION_PASSWORD_KEY = 'GCTI_Chat_SessionPassword';
export const SET_PARTY_STYLE_KEY = 'GCTI_Chat_SetPartyStyle';
export const PARTY_STYLE_KEY = 'GCTI_Chat_PartyStyle';
export const ORIGINAL_NICKNAME_KEY = 'GCTI_Original_Nickname';
export const READ_CONFIRM = 'read-confirm';
export const LAST_EVENT_ID_KEY = 'last-event-id';
/** Events the server itself produces (idle-control notices) carry this user id and the type SYSTEM. */
export const SYSTEM_USER_ID = '0000000000000000';
const SYSTEM_ACTOR = { nickname: 'system', isBot: false };
const BOT_STYLE_PATH = ['GCTI_SYSTEM', 'party-info', 'style'] as const;
const QUIT_REASON_PATH = ['GCTI_SYSTEM', 'quit-reason-code'] as const;

/** Notice types a participant may send; idle-control notices come from the server only. */
const PARTY_NOTICES: readonly NoticeType[] = NOTICE_TYPES.filter((t) => !t.startsWith('IDLE_CONTROL_'));

type EventInput<E extends ChatEvent> = Omit<E, 'position' | 'eventId' | 'at' | 'nickname'>;

/**
 * One chat session and all its rules. It does no I/O: time and ids come from the context, and every command
 * returns the events it appended, for the caller to deliver, persist and publish.
 */
export class ChatSession {
  // Kept lean: a server holds many sessions at once, most of them idle. Parties are found by a scan of the few
  // participants (no index), and the buffers of the command under way exist only while one runs.
  /** Events appended by the command under way, not flushed yet. */
  private pending: ChatEvent[] | undefined;
  /** Interaction properties changed by the command under way, not flushed yet. */
  private properties: Record<string, string> | undefined;

  private constructor(
    readonly state: SessionState,
    private readonly ctx: SessionContext,
  ) {}

  /** Creates a session with its first party: a customer, or an agent in outbound mode. */
  static create(ctx: SessionContext, request: CreateSessionRequest): { session: ChatSession; creator: Participant; change: Change } {
    const state: SessionState = {
      id: request.id,
      createdAt: ctx.clock.now(),
      status: 'ALIVE',
      participants: [],
      transcript: [],
      userData: {},
      nextEventId: 1,
    };
    const session = new ChatSession(state, ctx);
    const own = request.creator.userData?.[SESSION_PASSWORD_KEY];
    if (typeof own === 'string' && own !== '' && request.creator.protocol === 'BASIC') state.password = own;
    else if (ctx.rules.sessionPasswordEnforce) state.password = ctx.ids.secret();
    if (request.service) state.service = sharedService(request.service);
    state.userData = stripPassword(request.userData ?? request.creator.userData ?? {});
    if (state.userData[ASYNC_MODE_KEY] === 'true') {
      state.async = { status: ASYNC_STATUS.new, onHold: false, idleSince: state.createdAt };
      session.setAsyncStatus(ASYNC_STATUS.new);
    }
    // The session's user data is the creator's when no other is given: its join event shares the (unchanged) copy.
    const creator = session.addParty(request.creator, request.userData === undefined && request.creator.userData ? state.userData : undefined);
    return { session, creator, change: session.flush(false) };
  }

  /** Rebuilds a session from stored state. */
  static fromState(ctx: SessionContext, state: SessionState): ChatSession {
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
    for (const p of this.state.participants) if (p.userId === userId) return p;
    return undefined;
  }

  presentParticipants(): Participant[] {
    return this.state.participants.filter((p) => p.present);
  }

  get isAsync(): boolean {
    return this.state.async !== undefined;
  }

  /** Interaction properties that describe the session now (async status and check time). */
  interactionProperties(): Record<string, string> {
    const a = this.state.async;
    if (!a) return {};
    return { [ASYNC_STATUS_KEY]: String(a.status), [ASYNC_CHECK_AT_KEY]: String(this.checkAt(a)) };
  }

  bindInteraction(interactionId: string): void {
    this.state.interactionId = interactionId;
  }

  /** True while a supervisor monitors the session (joined with VIP visibility). */
  isMonitored(): boolean {
    return this.state.participants.some((p) => p.present && p.userType === 'SUPERVISOR' && p.visibility === 'VIP');
  }

  /** Adds a party; with an enforced session password it must be presented in `GCTI_Chat_SessionPassword`. */
  join(request: JoinRequest): { participant: Participant; change: Change } {
    this.assertAlive();
    if (this.state.password !== undefined) {
      const given = request.userData?.[SESSION_PASSWORD_KEY];
      if (typeof given !== 'string' || !sameSecret(given, this.state.password)) {
        throw new ChatError('SESSION_PASSWORD_REQUIRED', `joining this session requires the session password in ${SESSION_PASSWORD_KEY}`);
      }
    }
    const participant = this.addParty(request);
    return { participant, change: this.flush(false) };
  }

  message(userId: string, request: MessageRequest): Change {
    const sender = this.activeParty(userId);
    this.checkText(request.text, 'message text');
    this.checkRoom();
    this.append<MessageEvent>(sender, {
      kind: 'message',
      userId,
      text: request.text,
      ...(request.messageType ? { messageType: request.messageType } : {}),
      ...this.delivery(sender, request),
    });
    return this.flush(false);
  }

  /** A workflow (ESP) posts a message, as an EXTERNAL party with the given nickname. */
  externalMessage(nickname: string, request: MessageRequest): Change {
    return this.asExternal(nickname, (userId) => this.message(userId, request));
  }

  /** A workflow (ESP) posts a notice: `USER_PUSHED_URL` (a push URL) or `USER_CUSTOM`. */
  externalNotice(nickname: string, request: NoticeRequest): Change {
    const noticeType = request.noticeType === 'USER_PUSHED_URL' ? 'PUSH_URL' : request.noticeType;
    if (noticeType !== 'PUSH_URL' && noticeType !== 'USER_CUSTOM') {
      throw new ChatError('INVALID_NOTICE_TYPE', `notice type "${request.noticeType}" cannot be sent by a workflow; expected USER_PUSHED_URL or USER_CUSTOM`);
    }
    return this.asExternal(nickname, (userId) => this.notice(userId, { ...request, noticeType }));
  }

  /** The workflow placed the async session on hold (ESP `PlaceOnHold`): status -2 until the customer writes. */
  placeOnHold(): Change {
    this.assertAlive();
    const a = this.state.async;
    if (!a) throw new ChatError('NOT_ASYNC', `session ${this.id} is not an async session`);
    a.onHold = true;
    this.setAsyncStatus(ASYNC_STATUS.onHold);
    return this.flush(false);
  }

  /** ESP `CloseSession`: closes the session, or with `closeIfNoAgents` only when no agent is present. */
  closeSession(closeIfNoAgents: boolean): Change {
    this.assertAlive();
    if (closeIfNoAgents && this.hasLiveAgent()) return this.flush(false);
    return this.closeBySystem('5');
  }

  /** ESP `IdleControlConfigure`: stores the session's inactivity-control parameters (`reset-parameters` clears them). */
  configureIdleControl(parameters: Record<string, string>): void {
    this.assertAlive();
    const { 'reset-parameters': reset, ...rest } = parameters;
    this.state.idleControl = { ...(reset === 'true' ? {} : this.state.idleControl), ...rest };
  }

  /** ESP `ConfigureSession`: language of the session, and `async-idle-reset` restarting async idle timing. */
  configureSession(options: { asyncIdleReset?: boolean; languageCode?: string; languageName?: string }): Change {
    this.assertAlive();
    // As in Genesys: a language code present makes the other parameters ignored.
    if (options.languageCode) {
      this.state.language = { code: options.languageCode };
      return this.flush(false);
    }
    if (options.languageName) this.state.language = { name: options.languageName };
    const a = this.state.async;
    if (options.asyncIdleReset && a) {
      a.idleSince = this.ctx.clock.now();
      delete a.alertedAt;
      this.changedProperties()[ASYNC_CHECK_AT_KEY] = String(this.checkAt(a));
    }
    return this.flush(false);
  }

  /** The file-transfer limits and what this session has used, in the keys GMS clients read. */
  fileLimits(): Record<string, string> {
    return fileLimitsView(this.ctx.rules.files, this.state.files ?? NO_FILES_USED);
  }

  /** Refuses, before anything is stored, an upload the party may not make. Agents have no limits. */
  checkUpload(userId: string, file: { name: string; size: number }): void {
    const party = this.activeParty(userId);
    this.touch(userId);
    if (party.protocol === 'FLEX') checkCustomerUpload(this.ctx.rules.files, this.state.files ?? NO_FILES_USED, file, this.hasLiveAgent());
  }

  /** A download of a file posted in this session; a customer's downloads are counted against `download-attempts`. */
  download(userId: string, fileId: string): { documentId: string; name: string } {
    const party = this.activeParty(userId);
    const file = findFile(this.state.transcript, fileId);
    if (!file || !file.documentId || !isVisibleTo(file.event, party)) throw new ChatError('FILE_NOT_FOUND', `no file ${fileId.slice(0, 40)} in this chat`);
    if (party.protocol === 'FLEX') {
      const used = this.state.files ?? { ...NO_FILES_USED };
      if (used.downloads >= this.ctx.rules.files.downloadAttempts) {
        throw new ChatError('DOWNLOAD_LIMIT', `at most ${this.ctx.rules.files.downloadAttempts} downloads are allowed in this chat`);
      }
      this.state.files = { ...used, downloads: used.downloads + 1 };
    }
    return { documentId: file.documentId, name: file.name };
  }

  notice(userId: string, request: NoticeRequest): Change {
    const sender = this.activeParty(userId);
    const noticeType = request.noticeType as NoticeType;
    if (!PARTY_NOTICES.includes(noticeType)) {
      throw new ChatError('INVALID_NOTICE_TYPE', `unknown notice type "${request.noticeType}"; expected one of ${PARTY_NOTICES.join(', ')}`);
    }
    const text = request.text ?? '';
    this.checkText(text, 'notice text');
    this.checkRoom();
    if (noticeType === 'PUSH_URL' && text.trim() === '') throw new ChatError('INVALID_ARGUMENT', 'a push URL notice needs the URL as its text');
    // Everything is checked before the steps below change anything, so a refused notice changes nothing.
    const delivery = this.delivery(sender, request);
    if (noticeType === 'SYS_COMMAND' && text === FILE_UPLOADED) delivery.userData = this.acceptUpload(sender, delivery.userData);
    if (noticeType === 'SYS_COMMAND' && text === FILE_DELETED) this.checkDelete(sender, delivery.userData);
    if (noticeType === 'USER_UPDATE_NICK') this.renameParty(sender, text);
    if (noticeType === 'SYS_COMMAND' && text === READ_CONFIRM) this.readConfirm(sender, request.userData);
    this.append<NoticeEvent>(sender, { kind: 'notice', userId, noticeType, text, ...delivery });
    return this.flush(false);
  }

  /** Merges into the session user data; the transcript does not change. */
  updateUserData(userId: string, userData: KvList): void {
    this.activeParty(userId);
    this.state.userData = mergeKv(this.state.userData, stripPassword(userData));
  }

  /** A party releases itself, with an after-action deciding the fate of the session. */
  leave(userId: string, afterAction: AfterAction, options: LeaveOptions = {}): Change {
    const party = this.activeParty(userId);
    const reason =
      afterAction === 'FORCE_CLOSE' ? LEAVE_REASONS.forceClose : afterAction === 'CLOSE_IF_NO_AGENTS' ? LEAVE_REASONS.closeIfNoAgents : LEAVE_REASONS.left;
    if (options.text !== undefined) this.checkText(options.text, 'leave text');
    const { transferred, ...rest } = options;
    this.removeParty(party, reason, '0', rest);
    if (transferred && party.userType === 'AGENT') this.setAsyncStatus(ASYNC_STATUS.transferred);
    const close = afterAction === 'FORCE_CLOSE' || (afterAction === 'CLOSE_IF_NO_AGENTS' && !this.hasLiveAgent()) || !this.hasLiveParty();
    if (close) this.closeNow('4', userId);
    return this.flush(close);
  }

  /**
   * The server removes a party: `3` for protocol inactivity or a dropped connection, `5` for system reasons,
   * `7` for session inactivity, `8` during restoration. The session closes when nobody is left.
   */
  removeBySystem(userId: string, quitReasonCode: Exclude<QuitReasonCode, '0' | '4'>): Change {
    const party = this.activeParty(userId);
    this.removeParty(party, quitReasonCode === '3' ? LEAVE_REASONS.disconnect : LEAVE_REASONS.removed, quitReasonCode, {});
    if (quitReasonCode === '3' && party.userType === 'AGENT' && !party.isBot) this.setAsyncStatus(ASYNC_STATUS.agentDropped);
    const close = !this.hasLiveParty();
    if (close) this.closeNow(quitReasonCode);
    return this.flush(close);
  }

  /** The server closes the session, removing every party (e.g. the workflow stopped the interaction). */
  closeBySystem(quitReasonCode: Exclude<QuitReasonCode, '0' | '4'> = '5'): Change {
    if (this.isClosed) return this.flush(false);
    this.closeNow(quitReasonCode);
    return this.flush(true);
  }

  /**
   * Makes a session loaded from storage on another node fit to serve (HA restoration): parties that were on a
   * persistent connection to the lost node are marked left (quit reason 8) and will join again; live
   * attachments are gone; read confirmations are dropped. Timers go on from their stored times.
   */
  restore(): Change {
    this.state.restored = true;
    for (const p of this.state.participants) {
      p.attachments = 0;
      if (p.present && p.protocol === 'BASIC') this.removeParty(p, LEAVE_REASONS.removed, '8', {});
    }
    for (const e of this.state.transcript) if (isReadConfirm(e)) e.annihilated = true;
    if (!this.isClosed && !this.hasLiveParty()) this.closeNow('8');
    return this.flush(this.isClosed);
  }

  /** A flex party made a protocol request: its inactivity timer starts again. */
  touch(userId: string): void {
    const party = this.participant(userId);
    if (party) party.lastRequestAt = this.ctx.clock.now();
  }

  /** A live connection now carries this party's events; while one does, it cannot time out. */
  attach(userId: string): void {
    const party = this.participant(userId);
    if (party) party.attachments += 1;
  }

  detach(userId: string): void {
    const party = this.participant(userId);
    if (!party || party.attachments === 0) return;
    party.attachments -= 1;
    party.lastRequestAt = this.ctx.clock.now();
  }

  /** The events `viewerId` may see, from transcript position `fromPosition` on, in the viewer's protocol version. */
  eventsFor(viewerId: string, fromPosition = 0): ChatEvent[] {
    const viewer = this.participant(viewerId);
    if (!viewer) throw new ChatError('NOT_A_PARTICIPANT', `user ${viewerId} is not a party of session ${this.id}`);
    const out: ChatEvent[] = [];
    for (let i = Math.max(0, fromPosition); i < this.state.transcript.length; i++) {
      const shown = this.viewFor(this.state.transcript[i], viewer);
      if (shown) out.push(shown);
    }
    return out;
  }

  /** `event` as `viewer` sees it, or undefined if the viewer may not see it. */
  viewFor(event: ChatEvent, viewer: Participant): ChatEvent | undefined {
    if (!isVisibleTo(event, viewer)) return undefined;
    const actor = this.participant(event.userId);
    return eventForVersion(event, actor?.userType ?? 'SYSTEM', viewer.clientVersion);
  }

  /** When this session next needs `expire()`: a flex inactivity deadline, or the end of the closed grace period. */
  nextDeadline(): number | undefined {
    if (this.isClosed) return (this.state.closedAt ?? 0) + this.ctx.rules.closedRetainMs;
    let next = this.asyncIdleDeadline();
    for (const p of this.state.participants) {
      if (!p.present || p.protocol !== 'FLEX' || p.attachments > 0) continue;
      const due = p.lastRequestAt + this.flexTimeout();
      if (next === undefined || due < next) next = due;
    }
    return next;
  }

  /** Applies every deadline that has passed; `drop` says the closed session may now be forgotten. */
  expire(): Change & { drop: boolean } {
    const now = this.ctx.clock.now();
    if (this.isClosed) return { events: [], closed: false, drop: now >= (this.state.closedAt ?? 0) + this.ctx.rules.closedRetainMs };
    for (const p of this.state.participants) {
      if (this.isClosed) break;
      if (p.present && p.protocol === 'FLEX' && p.attachments === 0 && now >= p.lastRequestAt + this.flexTimeout()) {
        this.removeParty(p, LEAVE_REASONS.disconnect, '3', {});
        if (!this.hasLiveParty()) this.closeNow('3');
      }
    }
    this.expireAsyncIdle(now);
    return { ...this.flush(this.isClosed), drop: false };
  }

  /** Async inactivity: the idle alert (status 3) after `async-idle-alert`, the close after `async-idle-close` more. */
  private expireAsyncIdle(now: number): void {
    const a = this.state.async;
    const due = this.asyncIdleDeadline();
    if (!a || due === undefined || now < due) return;
    const { rules } = this.ctx;
    if (a.alertedAt === undefined) {
      a.alertedAt = now;
      this.appendSystemNotice('IDLE_CONTROL_ALERT', rules.idleMessages.alert, {
        'next-idle-timer-type': 'CLOSE',
        'next-idle-timer-secs': String(Math.round(rules.asyncIdleCloseMs / 1000)),
      });
      this.setAsyncStatus(ASYNC_STATUS.idle);
      return;
    }
    this.appendSystemNotice('IDLE_CONTROL_CLOSE', rules.idleMessages.close);
    this.closeNow('7');
  }

  private asyncIdleDeadline(): number | undefined {
    const a = this.state.async;
    if (!a || this.isClosed) return undefined;
    return a.alertedAt !== undefined ? a.alertedAt + this.ctx.rules.asyncIdleCloseMs : a.idleSince + this.ctx.rules.asyncIdleAlertMs;
  }

  private flexTimeout(): number {
    return this.isAsync ? this.ctx.rules.flexPushTimeoutMs : this.ctx.rules.flexDisconnectTimeoutMs;
  }

  private checkAt(a: AsyncState): number {
    return asyncCheckAt(a, this.ctx.rules.asyncIdleAlertMs, this.ctx.rules.asyncIdleCloseMs);
  }

  private setAsyncStatus(status: AsyncStatus): void {
    const a = this.state.async;
    if (!a) return;
    a.status = status;
    // Only an agent taking over or the customer's reply ends the hold; the reply is reported once.
    if (status === ASYNC_STATUS.processing || status === ASYNC_STATUS.customerReplied) a.onHold = false;
    Object.assign(this.changedProperties(), this.interactionProperties());
  }

  private appendSystemNotice(noticeType: NoticeType, text: string, userData?: KvList): void {
    this.append<NoticeEvent>(SYSTEM_ACTOR, { kind: 'notice', userId: SYSTEM_USER_ID, noticeType, text, visibility: 'ALL', ...(userData ? { userData } : {}) });
  }

  /**
   * Runs `command` as the workflow's party with this nickname, joined on its first request. It never keeps a
   * session alive. A party joined for a command that is then refused is taken back: a refused request changes nothing.
   */
  private asExternal(nickname: string, command: (userId: string) => Change): Change {
    this.assertAlive();
    const name = nickname.trim() === '' ? 'system' : nickname;
    const existing = this.state.participants.find((p) => p.present && p.protocol === 'ESP' && p.nickname === name);
    if (existing) return command(existing.userId);
    const before = { events: this.state.transcript.length, pending: this.pending?.length ?? 0, nextEventId: this.state.nextEventId };
    const party = this.addParty({ userType: 'EXTERNAL', protocol: 'ESP', nickname: name, clientVersion: MAX_CLIENT_VERSION });
    try {
      return command(party.userId);
    } catch (error) {
      this.state.participants.pop();
      this.state.transcript.length = before.events;
      if (this.pending) this.pending.length = before.pending;
      this.state.nextEventId = before.nextEventId;
      throw error;
    }
  }

  /** Validates a `file-uploaded` notice, applies a customer's limits and counts it, and assigns the file id. */
  private acceptUpload(sender: Participant, userData: KvList | undefined): KvList {
    const file = checkUploadNotice(userData);
    const used = this.state.files ?? { ...NO_FILES_USED };
    if (sender.protocol === 'FLEX') checkCustomerUpload(this.ctx.rules.files, used, file, this.hasLiveAgent());
    this.state.files = {
      ...used,
      nextFileId: used.nextFileId + 1,
      ...(sender.protocol === 'FLEX' ? { uploads: used.uploads + 1, uploadBytes: used.uploadBytes + file.size } : {}),
    };
    return { ...userData, [FILE_KEYS.id]: String(used.nextFileId) };
  }

  /** A `file-deleted` notice names a live file of this chat; a customer may delete only its own files. */
  private checkDelete(sender: Participant, userData: KvList | undefined): void {
    const fileId = userData?.[FILE_KEYS.id];
    const file = typeof fileId === 'string' ? findFile(this.state.transcript, fileId) : undefined;
    if (!file || !isVisibleTo(file.event, sender))
      throw new ChatError('FILE_NOT_FOUND', `a ${FILE_DELETED} notice needs the ${FILE_KEYS.id} of a file in this chat`);
    if (sender.protocol === 'FLEX' && file.event.userId !== sender.userId) throw new ChatError('FORBIDDEN', 'a customer may delete only its own files');
  }

  /** `strippedUserData`: the request's user data without the password, when the caller has it already. */
  private addParty(request: JoinRequest, strippedUserData?: KvList): Participant {
    const now = this.ctx.clock.now();
    const visibility = request.visibility ?? 'ALL';
    if (!VISIBILITIES.includes(visibility)) throw new ChatError('INVALID_VISIBILITY', `unknown visibility "${visibility}"; expected ALL, INT or VIP`);
    if (!mayUseVisibility(request.userType, visibility)) {
      throw new ChatError('INVALID_VISIBILITY', `a ${request.userType} party cannot join with visibility ${visibility}`);
    }
    const clientVersion = request.clientVersion ?? MIN_CLIENT_VERSION;
    if (!Number.isInteger(clientVersion) || clientVersion < MIN_CLIENT_VERSION || clientVersion > MAX_CLIENT_VERSION) {
      throw new ChatError(
        'INVALID_CLIENT_VERSION',
        `client version ${clientVersion} is not supported; expected ${MIN_CLIENT_VERSION} to ${MAX_CLIENT_VERSION}`,
      );
    }
    const nickname = this.checkNickname(request.nickname);
    if (request.text !== undefined) this.checkText(request.text, 'join text');
    const isBot = (request.userType === 'AGENT' || request.userType === 'SUPERVISOR') && request.userData?.[SET_PARTY_STYLE_KEY] === 'BOT';
    const participant: Participant = {
      userId: this.ctx.ids.userId(),
      partyNumber: this.state.participants.length + 1,
      userType: request.userType,
      nickname,
      visibility,
      protocol: request.protocol,
      clientVersion,
      isBot,
      present: true,
      joinedAt: now,
      joinPosition: this.state.transcript.length,
      lastRequestAt: now,
      attachments: 0,
      secureKey: this.ctx.ids.secret(),
    };
    // Optional keys assigned, not spread into the literal: its fields then stay inside the object.
    if (request.personId) participant.personId = request.personId;
    if (request.timeZoneOffset !== undefined) participant.timeZoneOffset = request.timeZoneOffset;
    this.state.participants = appended(this.state.participants, participant);
    let userData = strippedUserData ?? (request.userData ? stripPassword(request.userData) : undefined);
    if (isBot) userData = { ...userData, [PARTY_STYLE_KEY]: 'BOT' };
    this.append<NewPartyEvent>(participant, {
      kind: 'newParty',
      userId: participant.userId,
      userType: participant.userType,
      protocol: participant.protocol,
      clientVersion,
      visibility,
      ...(participant.personId ? { personId: participant.personId } : {}),
      ...(participant.timeZoneOffset !== undefined ? { timeZoneOffset: participant.timeZoneOffset } : {}),
      ...(request.text !== undefined ? { text: request.text } : {}),
      ...(userData ? { userData } : {}),
      ...(request.eventAttributes ? { eventAttributes: cloneKv(request.eventAttributes) } : {}),
    });
    return participant;
  }

  private removeParty(party: Participant, reason: LeaveReason, quitReasonCode: QuitReasonCode, options: LeaveOptions & { askerId?: string }): void {
    const attributes = setKv(options.eventAttributes ? cloneKv(options.eventAttributes) : {}, QUIT_REASON_PATH, quitReasonCode);
    const event = this.append<PartyLeftEvent>(party, {
      kind: 'partyLeft',
      userId: party.userId,
      visibility: party.visibility,
      reason: { ...reason },
      quitReasonCode,
      eventAttributes: attributes,
      ...(options.askerId ? { askerId: options.askerId } : {}),
      ...(options.text !== undefined ? { text: options.text } : {}),
      ...(options.userData ? { userData: stripPassword(options.userData) } : {}),
    });
    party.present = false;
    party.leftAt = event.at;
    party.leftPosition = event.position;
    for (const e of this.state.transcript) {
      if (e.userId === party.userId && isReadConfirm(e)) e.annihilated = true;
    }
  }

  private closeNow(quitReasonCode: QuitReasonCode, askerId?: string): void {
    for (const p of this.presentParticipants()) {
      this.removeParty(p, LEAVE_REASONS.removed, quitReasonCode, askerId ? { askerId } : {});
    }
    this.state.status = 'CLOSED';
    this.state.closedAt = this.ctx.clock.now();
  }

  private hasLiveAgent(): boolean {
    return this.state.participants.some((p) => p.present && p.userType === 'AGENT' && !p.isBot);
  }

  /** Someone other than a workflow is still in the session. */
  private hasLiveParty(): boolean {
    return this.state.participants.some((p) => p.present && p.protocol !== 'ESP');
  }

  private renameParty(party: Participant, nickname: string): void {
    const checked = this.checkNickname(nickname);
    const joined = this.state.transcript[party.joinPosition];
    if (joined.userData?.[ORIGINAL_NICKNAME_KEY] === undefined) {
      joined.userData = { ...joined.userData, [ORIGINAL_NICKNAME_KEY]: party.nickname };
    }
    party.nickname = checked;
  }

  /** A newer read confirmation of the same party replaces (annihilates) its earlier one. */
  private readConfirm(party: Participant, userData: KvList | undefined): void {
    const last = userData?.[LAST_EVENT_ID_KEY];
    if (typeof last !== 'string' || !/^\d+$/.test(last)) {
      throw new ChatError('INVALID_ARGUMENT', `a read-confirm notice needs the numeric ${LAST_EVENT_ID_KEY} in its user data`);
    }
    for (const e of this.state.transcript) {
      if (e.userId === party.userId && isReadConfirm(e)) e.annihilated = true;
    }
  }

  private delivery(sender: Participant, request: SendOptions): Pick<MessageEvent, 'visibility' | 'receiverId' | 'userData' | 'eventAttributes'> {
    const visibility = request.visibility ?? sender.visibility;
    if (!VISIBILITIES.includes(visibility)) throw new ChatError('INVALID_VISIBILITY', `unknown visibility "${visibility}"; expected ALL, INT or VIP`);
    if (!mayUseVisibility(sender.userType, visibility)) {
      throw new ChatError('INVALID_VISIBILITY', `a ${sender.userType} party cannot send with visibility ${visibility}`);
    }
    if (request.receiverId !== undefined) {
      if (sender.protocol === 'FLEX') throw new ChatError('FORBIDDEN', 'direct messages are available to agent-side parties only');
      const receiver = this.participant(request.receiverId);
      if (!receiver || !receiver.present) throw new ChatError('NOT_A_PARTICIPANT', `receiver ${request.receiverId} is not a present party of this session`);
      if (!mayRead(receiver.userType, visibility)) {
        throw new ChatError('INVALID_VISIBILITY', `a ${receiver.userType} receiver cannot see visibility ${visibility}`);
      }
    }
    return {
      visibility,
      ...(request.receiverId !== undefined ? { receiverId: request.receiverId } : {}),
      ...(request.userData ? { userData: stripPassword(request.userData) } : {}),
      ...(request.eventAttributes ? { eventAttributes: cloneKv(request.eventAttributes) } : {}),
    };
  }

  private append<E extends ChatEvent>(actor: Pick<Participant, 'nickname' | 'isBot'>, input: EventInput<E>): E {
    // Built by assignment, not as `{ ...input, position, … }`: V8 gives each object made by a spread followed by
    // new keys a hidden class of its own (hundreds of bytes per event held), where assignment shares them.
    const event = Object.assign({}, input) as E;
    event.position = this.state.transcript.length;
    event.eventId = this.state.nextEventId;
    event.at = this.ctx.clock.now();
    event.nickname = actor.nickname;
    if (actor.isBot) event.eventAttributes = setKv(event.eventAttributes ?? {}, BOT_STYLE_PATH, 'BOT');
    this.state.nextEventId += 1;
    this.state.transcript = appended(this.state.transcript, event);
    (this.pending ??= []).push(event);
    this.trackAsync(event);
    return event;
  }

  /** Async status and idle timing follow what happens in the session. */
  private trackAsync(event: ChatEvent): void {
    const a = this.state.async;
    const party = this.participant(event.userId);
    if (!a || !party) return;
    if (isAsyncActivity(event, party, this.ctx.rules.asyncIdleNotices)) {
      a.idleSince = event.at;
      delete a.alertedAt;
      this.changedProperties()[ASYNC_CHECK_AT_KEY] = String(this.checkAt(a));
    }
    if (event.kind === 'newParty' && party.userType === 'AGENT' && !party.isBot) this.setAsyncStatus(ASYNC_STATUS.processing);
    else if (party.userType === 'CLIENT' && a.onHold && !this.hasLiveAgent() && isAsyncActivity(event, party, this.ctx.rules.asyncIdleNotices)) {
      this.setAsyncStatus(ASYNC_STATUS.customerReplied);
    }
  }

  private flush(closed: boolean): Change {
    const events = this.pending ?? [];
    const properties = this.properties;
    // A closed session needs no workflow check any more.
    if (properties && this.isClosed) delete properties[ASYNC_CHECK_AT_KEY];
    this.pending = undefined;
    this.properties = undefined;
    return { events, closed, ...(properties && Object.keys(properties).length > 0 ? { properties } : {}) };
  }

  /** The interaction properties the command under way changes, to report when it is flushed. */
  private changedProperties(): Record<string, string> {
    return (this.properties ??= {});
  }

  private activeParty(userId: string): Participant {
    this.assertAlive();
    const party = this.participant(userId);
    if (!party) throw new ChatError('NOT_A_PARTICIPANT', `user ${userId} is not a party of session ${this.id}`);
    if (!party.present) throw new ChatError('PARTICIPANT_LEFT', `user ${userId} has left session ${this.id}`);
    return party;
  }

  private assertAlive(): void {
    if (this.isClosed) throw new ChatError('SESSION_CLOSED', `session ${this.id} is closed`);
  }

  private checkRoom(): void {
    if (this.state.transcript.length >= this.ctx.rules.transcriptMaxEvents) {
      throw new ChatError('TRANSCRIPT_FULL', `session ${this.id} has reached transcript-max-events (${this.ctx.rules.transcriptMaxEvents})`);
    }
  }

  private checkText(text: unknown, what: string): void {
    if (typeof text !== 'string') throw new ChatError('INVALID_ARGUMENT', `${what} must be a string`);
    const size = utf8Length(text);
    if (size > this.ctx.rules.messageMaxSize) {
      throw new ChatError('TEXT_TOO_LONG', `${what} is ${size} bytes, more than message-max-size (${this.ctx.rules.messageMaxSize})`);
    }
  }

  private checkNickname(nickname: unknown): string {
    if (typeof nickname !== 'string' || nickname.trim() === '') throw new ChatError('INVALID_ARGUMENT', 'nickname must not be empty');
    if ([...nickname].length > this.ctx.rules.nicknameMaxLength) {
      throw new ChatError('TEXT_TOO_LONG', `nickname is longer than nickname-max-length (${this.ctx.rules.nicknameMaxLength})`);
    }
    return nickname;
  }
}

function isReadConfirm(e: ChatEvent): boolean {
  return e.kind === 'notice' && e.noticeType === 'SYS_COMMAND' && e.text === READ_CONFIRM && !e.annihilated;
}

function stripPassword(userData: KvList): KvList {
  if (!(SESSION_PASSWORD_KEY in userData)) return cloneKv(userData);
  const copy = cloneKv(userData);
  delete copy[SESSION_PASSWORD_KEY];
  return copy;
}
