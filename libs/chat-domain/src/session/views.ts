import { ChatError } from '../errors';
import { eventForVersion } from '../protocol-version';
import type { PiiRules } from '../rules';
import type { ChatEvent, Participant } from '../types';
import { isVisibleTo } from '../visibility';
import { unmaskedFor } from './pii-masking';
import { findParticipant } from './presence';
import type { SessionState } from './state';

/** Per-reader views: what a party may see of the transcript, in its protocol version. */

/** The events `viewerId` may see, from transcript position `fromPosition` on, in the viewer's protocol version. */
export function eventsFor(state: SessionState, viewerId: string, fromPosition: number, pii?: PiiRules): ChatEvent[] {
  const viewer = findParticipant(state, viewerId);
  if (!viewer) throw new ChatError('NOT_A_PARTICIPANT', `user ${viewerId} is not a party of session ${state.id}`);
  const out: ChatEvent[] = [];
  for (let i = Math.max(0, fromPosition); i < state.transcript.length; i++) {
    const shown = viewFor(state, state.transcript[i], viewer, pii);
    if (shown) out.push(shown);
  }
  return out;
}

/** `event` as `viewer` sees it, or undefined if the viewer may not see it; with PII masking, clear where allowed. */
export function viewFor(state: SessionState, event: ChatEvent, viewer: Participant, pii?: PiiRules): ChatEvent | undefined {
  if (!isVisibleTo(event, viewer)) return undefined;
  const actor = findParticipant(state, event.userId);
  return eventForVersion(pii ? unmaskedFor(state, event, viewer, pii) : event, actor?.userType ?? 'SYSTEM', viewer.clientVersion);
}
