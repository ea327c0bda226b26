import type { Clock, IdSource } from '../clock';
import type { IdleNotices, SessionRules } from '../rules';
import type { ChatEvent, KvList, Participant, SessionStatus } from '../types';
import type { PushSubscription } from './push-subscription';

/** What every session of an engine shares: its clock, its id source and its rules (one object for all sessions). */
export interface SessionContext {
  clock: Clock;
  ids: IdSource;
  rules: SessionRules;
}

/** Everything a session is, as plain data: what storage keeps and restoration loads. */
export interface SessionState {
  id: string;
  createdAt: number;
  status: SessionStatus;
  closedAt?: number;
  /** In join order; parties that left stay, marked not present. */
  participants: Participant[];
  transcript: ChatEvent[];
  /** Bytes the transcript counts against `transcript-max-size` (budget.ts); recomputed when a session is loaded. */
  transcriptBytes?: number;
  /** Session user data: the creator's data, updated by `updateData`. */
  userData: KvList;
  /** Enforced session password; never shown in the transcript. */
  password?: string;
  nextEventId: number;
  /** The Interaction Server interaction that stands for this session. */
  interactionId?: string;
  /** The customer API service the session came in on and where it is routed. */
  service?: SessionService;
  /** Set for an async session (`GCTI_Chat_AsyncMode=true` at creation). */
  async?: AsyncState;
  /** Customer file-transfer allowance used so far. */
  files?: FileCounters;
  /** Inactivity-control parameters a workflow set for this session (ESP `IdleControlConfigure`). */
  idleControl?: IdleControlOverrides;
  /** Where the session's idle period stands (inactivity-control.ts); kept only while inactivity control is on. */
  idle?: IdleState;
  /** Name of the session's language (`[language:<name>]`, language.ts); absent: the `[inactivity-control]` texts. */
  language?: string;
  /** The session was restored on this node after its owner was lost. */
  restored?: boolean;
  /** The customer subscribed to push notifications, and where its notices stand (push-notifications.ts). */
  push?: PushState;
}

/** A push subscription of the session's customer, saved with the session so that a restored one goes on. */
export interface PushState {
  /** The subscribed customer. */
  userId: string;
  subscription: PushSubscription;
  /** Transcript length when the customer last read it (a refresh): what it has not read starts there. */
  readTo: number;
  /** Reliable delivery: the next resend while no refresh comes; absent: none scheduled. */
  resend?: PushResend;
  /** No more notices: the session was restored with `session-restore-push-send=false`. */
  stopped?: boolean;
}

export interface PushResend {
  /** The notify-attempt of the last notice sent (0 the first). */
  attempt: number;
  /** When the next one is due (epoch ms). */
  dueAt: number;
  /** Event id the notices of this schedule are about: with the attempt, their stable id. */
  eventId: number;
}

export interface SessionService {
  name: string;
  tenantDbid: number;
  endpoint: string;
}

/**
 * `GCTI_Chat_AsyncStatus`, as workflows read it: 1 new; -1 an agent is processing; -2 on hold (after ESP
 * PlaceOnHold); 2 the customer wrote while no agent was present; 3 async idle alert expired; 4 an agent's
 * connection dropped abnormally; 5 the agent transferred the chat to a queue.
 */
export const ASYNC_STATUS = { new: 1, processing: -1, onHold: -2, customerReplied: 2, idle: 3, agentDropped: 4, transferred: 5 } as const;
export type AsyncStatus = (typeof ASYNC_STATUS)[keyof typeof ASYNC_STATUS];

/** The async part of a session's state. */
export interface AsyncState {
  status: AsyncStatus;
  /** Placed on hold by the workflow and not yet replied to by the customer. */
  onHold: boolean;
  /** Start of the current idle period (epoch ms). */
  idleSince: number;
  /** When the idle alert went out, if it did in this idle period. */
  alertedAt?: number;
}

/** A session's own inactivity-control parameters (timeouts in milliseconds); each absent one is `[inactivity-control]`'s. */
export interface IdleControlOverrides {
  enabled?: boolean;
  alertMs?: number;
  alert2Ms?: number;
  closeMs?: number;
  includeNotices?: IdleNotices;
  messageAlert?: string;
  messageAlert2?: string;
  messageClose?: string;
}

/** The current idle period: since when (its start or its last alert), and its step (0 no alert yet, 1 alerted, 2 alerted twice). */
export interface IdleState {
  since: number;
  step: number;
}

/** What a session has used of its customer file-transfer allowance. */
export interface FileCounters {
  uploads: number;
  uploadBytes: number;
  downloads: number;
  nextFileId: number;
}
