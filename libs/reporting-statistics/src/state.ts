import type { QuitReasonCode, UserType } from '@ocs/chat-domain';

/**
 * The calculator's state of one open session: plain JSON (numbers, strings, booleans, arrays, objects), so that a
 * checkpoint read back is the same state. Times are epoch milliseconds taken from the records.
 */

/** How a party takes part, as the statistics see it. */
export type Role = 'customer' | 'agent' | 'coach' | 'monitor' | 'bot' | 'other';

/** Repeated periods of one kind: how many, their total and the longest (milliseconds). */
export interface Periods {
  count: number;
  totalMs: number;
  maxMs: number;
}

/** Messages of one kind of sender: how many, and their characters. */
export interface Tally {
  count: number;
  size: number;
}

export interface PartyInfo {
  role: Role;
  userType: UserType;
  present: boolean;
}

/** A party-left event among the last events of the session, for the end reason. */
export interface Leave {
  eventId: number;
  role: Role;
  userType: UserType;
  quit: QuitReasonCode;
  /** The leave reason code: 1 close if no agents, 2 force close, 3 disconnect, 4 removed. */
  code?: number;
}

/** Whose turn the visible dialogue is at, for the wait and reply statistics. */
export interface Turn {
  side: 'customer' | 'agent';
  firstAt: number;
  lastAt: number;
  /** Dormant time so far when the agent side's last message was sent. */
  dormantMark: number;
  /** The customer's message came while no agent was there (async): the reply counts from the next agent's joining. */
  awaitingAgent?: boolean;
}

export interface Stats {
  sessionId: string;
  createdAt: number;
  tenantId: string;
  mediaType?: string;
  language?: string;
  mediaOrigin?: string;
  async: boolean;
  /** Time of the latest record that had one. */
  lastAt: number;
  lastEventId: number;
  parties: Record<string, PartyInfo>;
  /** Unique parties by role (person id, else user id). */
  agentKeys: string[];
  coachKeys: string[];
  monitorKeys: string[];
  botKeys: string[];
  fromAgents: Tally;
  fromCustomers: Tally;
  fromBots: Tally;
  firstAgentAt?: number;
  firstReplyAt?: number;
  firstBotAt?: number;
  customersPresent: number;
  customerSince?: number;
  withCustomerMs: number;
  agentsPresent: number;
  handleSince?: number;
  handle: Periods;
  activeIdleSince?: number;
  activeIdle: Periods;
  asyncIdleSince?: number;
  asyncIdle: Periods;
  dormantSince?: number;
  /** The event that started the current dormant period (an agent's leave). */
  dormantStartEventId?: number;
  dormant: Periods;
  /** Routed after a customer reply, a transfer or an agent's drop: not dormant until an agent joins. */
  routing: boolean;
  turn?: Turn;
  agentReply: Periods;
  agentWait: Periods;
  customerReply: Periods;
  customerWait: Periods;
  /** A visible human agent joined (ever, or since a restoration that came before any message). */
  everAgent: boolean;
  messages: number;
  /** How the first customer to leave by themself did (`0` logout, `3` disconnect). */
  customerLeft?: QuitReasonCode;
  /** The party-left events since the last other event: the closing ones, when the session closes. */
  leaves: Leave[];
  idleClosed: boolean;
}

export function periods(): Periods {
  return { count: 0, totalMs: 0, maxMs: 0 };
}

export function addPeriod(p: Periods, ms: number): void {
  const d = Math.max(0, ms);
  p.count += 1;
  p.totalMs += d;
  if (d > p.maxMs) p.maxMs = d;
}

/** Periods with the one still open (since `since`) ended at `now`, without changing `p`. */
export function withOpen(p: Periods, since: number | undefined, now: number): Periods {
  if (since === undefined) return p;
  const copy = { ...p };
  addPeriod(copy, now - since);
  return copy;
}

/** Dormant time up to `now`, the open period included. */
export function dormantSoFar(s: Stats, now: number): number {
  return s.dormant.totalMs + (s.dormantSince !== undefined ? now - s.dormantSince : 0);
}

/** Characters of a text, as a reader counts them (code points, spaces included). */
export function characters(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}
