import type { ChatEvent, UserType, Visibility } from '../types';
import { OUTBOUND_ENTRY, entryOf, type JoinScope } from './access';
import { READ_CONFIRM } from './read-confirmations';
import type { SessionState } from './state';

/**
 * What a supervisor's list of live sessions shows of one session: who is in it, how long the customer waited for an
 * agent, and when something last happened. It lists the sessions the supervisor may monitor without the session
 * password (its token's tenants and queues, as `join` rules them), so the list never offers a join that is refused.
 * No secure key, user data or message text is in it.
 */
export interface LiveSession {
  sessionId: string;
  tenantDbid: number;
  /** The endpoint the session came in on (its entry queue); `default` for an outbound chat. */
  endpoint: string;
  createdAt: number;
  /** Parties present, in join order. */
  parties: LiveParty[];
  /** No human agent has joined yet: the customer is still waiting. */
  waiting: boolean;
  /** From the session's start to the first human agent's join, or until now while none has joined. */
  waitMs: number;
  /** The last message, notice, join or departure (typing and read confirmations aside). */
  lastActivityAt: number;
  /** A supervisor monitors the session (VIP). */
  monitored: boolean;
}

export interface LiveParty {
  nickname: string;
  userType: UserType;
  visibility: Visibility;
  joinedAt: number;
  isBot?: true;
}

/** A session the scope lets a supervisor watch: alive, of the scope's tenants and entry points. */
export function supervisable(state: SessionState, scope: JoinScope): boolean {
  if (state.status === 'CLOSED') return false;
  const { tenantDbid, entryPoint } = entryOf(state);
  return (!scope.tenants || scope.tenants.includes(tenantDbid)) && (!scope.entryPoints || scope.entryPoints.includes(entryPoint));
}

export function liveSession(state: SessionState, now: number): LiveSession {
  const { tenantDbid, endpoint } = state.service ?? OUTBOUND_ENTRY;
  const firstAgent = state.participants.find((p) => p.userType === 'AGENT' && !p.isBot);
  const parties: LiveParty[] = [];
  for (const p of state.participants) {
    if (!p.present) continue;
    parties.push({ nickname: p.nickname, userType: p.userType, visibility: p.visibility, joinedAt: p.joinedAt, ...(p.isBot ? { isBot: true as const } : {}) });
  }
  return {
    sessionId: state.id,
    tenantDbid,
    endpoint,
    createdAt: state.createdAt,
    parties,
    waiting: firstAgent === undefined,
    waitMs: Math.max(0, (firstAgent?.joinedAt ?? now) - state.createdAt),
    lastActivityAt: lastActivity(state),
    monitored: parties.some((p) => p.userType === 'SUPERVISOR' && p.visibility === 'VIP'),
  };
}

/** Scans back from the end: the events that count are usually the last few. */
function lastActivity(state: SessionState): number {
  for (let i = state.transcript.length - 1; i >= 0; i--) {
    const e = state.transcript[i];
    if (!e.annihilated && counts(e)) return e.at;
  }
  return state.createdAt;
}

function counts(e: ChatEvent): boolean {
  if (e.kind !== 'notice') return true;
  return e.noticeType !== 'TYPING_STARTED' && e.noticeType !== 'TYPING_STOPPED' && !(e.noticeType === 'SYS_COMMAND' && e.text === READ_CONFIRM);
}
