import type {
  AfterAction,
  ChatEvent,
  JoinRequest,
  JoinScope,
  KvList,
  LeaveOptions,
  MessageRequest,
  NoticeRequest,
  ProtocolType,
  SessionService,
  Visibility,
} from '@ocs/chat-domain';
import type { EventSender } from '@ocs/contracts';

/**
 * The session engine as the gateways see it. The embedded all-in-one calls it in-process; in a cluster a
 * remote adapter carries the same calls to the node that owns the session.
 */

/** Who is acting: every party presents the secure key it got when it joined. */
export interface Actor {
  sessionId: string;
  userId: string;
  secureKey: string;
  /** The protocol the caller speaks for the party; a key of a party of another protocol is refused (customer APIs say FLEX). */
  via?: ProtocolType;
}

export interface EventView {
  event: ChatEvent;
  from: EventSender;
}

/** A reader's view of the session: the events it may see from a position on, and the session state. */
export interface SessionView {
  sessionId: string;
  userId: string;
  closed: boolean;
  /** The reader has left (or was removed from) the session. */
  left: boolean;
  monitored: boolean;
  clientVersion: number;
  /** Position the next event will take (0-based). */
  nextPosition: number;
  events: EventView[];
  /**
   * `transcript-auto-save=2`, to parties on persistent connections (desktops) only: the change these events belong
   * to is stored (`save`), or could not be stored (`ucs-save-fail`).
   */
  transcriptNotice?: TranscriptNotice;
}

export type TranscriptNotice = 'save' | 'ucs-save-fail';

export interface PartyCredentials {
  sessionId: string;
  userId: string;
  secureKey: string;
  partyNumber: number;
}

export interface CreateRequest {
  creator: JoinRequest;
  /** Session user data (defaults to the creator's). */
  userData?: KvList;
  /** The customer API service the session came in on, and where it is routed. */
  service?: SessionService;
}

/**
 * A workflow's (ESP) request for a session: whether it restores a session of a lost node here (cluster), as
 * `session-restore-extend-by` (`esp`, `both`) allows. `GetSessionInfo` restores only with `InduceRestore=true`.
 */
export interface WorkflowRequest {
  restore: boolean;
}

/** What a workflow learns of a session (ESP `GetSessionInfo`). */
export interface SessionInfo {
  sessionId: string;
  interactionId?: string;
  createdAt: number;
  isRestored: boolean;
  closed: boolean;
  nextPosition: number;
}

/** One session a node holds, as an operator lists them: no party's name, key or message. */
export interface HeldSession extends Omit<SessionInfo, 'nextPosition'> {
  /** Parties present, by user type (CLIENT, AGENT, SUPERVISOR…). */
  parties: Record<string, number>;
}

/**
 * What a party's command answers: the event it appended (the party's own) and the party's view afterwards, with the
 * events from the position the caller asked for (`readFrom`; none when it asked for none), so that a customer's
 * operation and the reply it needs are one call.
 */
export interface Outcome {
  event: ChatEvent;
  view: SessionView;
}

export type ViewListener = (view: SessionView) => void;

export interface LiveAttachment {
  /** What the party may see from the requested position on, at the moment of attaching. */
  view: SessionView;
  detach(): void;
}

export interface ChatEngineApi {
  createSession(request: CreateRequest): Promise<{ party: PartyCredentials; view: SessionView }>;
  /**
   * `scope`: what the agent API vouches for from the party's token (tenants, and the queues a supervisor monitors
   * without the session password). Only the agent API passes it; without it the session password decides alone.
   */
  join(sessionId: string, request: JoinRequest, scope?: JoinScope): Promise<{ party: PartyCredentials; view: SessionView }>;
  /** Reads what the actor may see from `fromPosition`; counts as protocol activity of a customer. */
  read(actor: Actor, fromPosition: number): Promise<SessionView>;
  // Commands of a party. `readFrom`: the transcript position the answered view starts at; without it, the view
  // carries the session's state and no events.
  message(actor: Actor, request: MessageRequest, readFrom?: number): Promise<Outcome>;
  notice(actor: Actor, request: NoticeRequest, readFrom?: number): Promise<Outcome>;
  /** The party changes its own visibility (monitor, coach, conference) without leaving; the event is the notice telling the others. */
  changeVisibility(actor: Actor, visibility: Visibility, readFrom?: number): Promise<Outcome>;
  /** Merges into the session's user data (the transcript does not change); answers the party's view. */
  updateUserData(actor: Actor, userData: KvList, readFrom?: number): Promise<SessionView>;
  /** The outcome's event is the party's own party-left event. */
  leave(actor: Actor, afterAction: AfterAction, options?: LeaveOptions, readFrom?: number): Promise<Outcome>;
  /** The party's connection dropped: it is removed at once (reason: disconnect). */
  disconnect(actor: Actor): Promise<void>;
  /** The session and party a secure key belongs to (clients that present only their key). */
  findParty(secureKey: string): Promise<Actor | undefined>;
  /** The Interaction Server interaction that stands for the session (set once routing submitted it). */
  bindInteraction(sessionId: string, interactionId: string): Promise<void>;
  findByInteraction(interactionId: string): Promise<string | undefined>;
  // Workflow (ESP) requests: trusted callers, no party credentials. Message and notice answer with their event.
  externalMessage(sessionId: string, nickname: string, request: MessageRequest): Promise<ChatEvent>;
  externalNotice(sessionId: string, nickname: string, request: NoticeRequest): Promise<ChatEvent>;
  placeOnHold(sessionId: string): Promise<void>;
  /** `purge` forgets the session without closing actions; otherwise closes it (unless `closeIfNoAgents` and an agent is present). */
  closeSession(sessionId: string, options?: { closeIfNoAgents?: boolean; purge?: boolean }): Promise<{ closed: boolean }>;
  /** `workflow`: asked by a workflow's request, which restores the session only as it says; absent: a trusted caller. */
  sessionInfo(sessionId: string, workflow?: WorkflowRequest): Promise<SessionInfo>;
  configureIdleControl(sessionId: string, parameters: Record<string, string>): Promise<void>;
  configureSession(sessionId: string, options: { asyncIdleReset?: boolean; languageCode?: string; languageName?: string }): Promise<void>;
  // Customer file transfer: limits, the check before a file is stored, and counted downloads.
  /** The limits and what the customer used, with its view from `readFrom`. */
  fileLimits(actor: Actor, readFrom?: number): Promise<{ limits: Record<string, string>; view: SessionView }>;
  /** Refuses a file the party may not upload; answers the session's interaction, which the stored document names. */
  checkUpload(actor: Actor, file: { name: string; size: number }): Promise<{ interactionId?: string }>;
  download(actor: Actor, fileId: string): Promise<{ documentId: string; name: string }>;
  /** Live delivery of every later change the party may see; a live attachment keeps a customer from timing out. */
  attach(actor: Actor, fromPosition: number, listener: ViewListener): Promise<LiveAttachment>;
}
