import type { AsyncState } from '../async-chat';
import type { Clock, IdSource } from '../clock';
import type { FileCounters } from '../files';
import type { SessionRules } from '../rules';
import type { ChatEvent, KvList, Participant, SessionStatus } from '../types';

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
  idleControl?: Record<string, string>;
  /** Language a workflow set for this session (ESP `ConfigureSession`). */
  language?: { code?: string; name?: string };
  /** The session was restored on this node after its owner was lost. */
  restored?: boolean;
}

export interface SessionService {
  name: string;
  tenantDbid: number;
  endpoint: string;
}
