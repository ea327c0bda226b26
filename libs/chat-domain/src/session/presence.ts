import type { Participant } from '../types';
import type { SessionState } from './state';

/**
 * Who is in the session. Parties are found by a scan of the few participants: a server holds many sessions, and an
 * index per session would cost more memory than the scans cost time.
 */

export function findParticipant(state: SessionState, userId: string): Participant | undefined {
  for (const p of state.participants) if (p.userId === userId) return p;
  return undefined;
}

export function presentParticipants(state: SessionState): Participant[] {
  return state.participants.filter((p) => p.present);
}

/** An agent other than a bot is present. */
export function hasLiveAgent(state: SessionState): boolean {
  return state.participants.some((p) => p.present && p.userType === 'AGENT' && !p.isBot);
}

/** Someone other than a workflow is still in the session. */
export function hasLiveParty(state: SessionState): boolean {
  return state.participants.some((p) => p.present && p.protocol !== 'ESP');
}

/** A supervisor monitors the session (joined with VIP visibility). */
export function isMonitored(state: SessionState): boolean {
  return state.participants.some((p) => p.present && p.userType === 'SUPERVISOR' && p.visibility === 'VIP');
}
