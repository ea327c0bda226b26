import { ChatError } from '../errors';
import type { NoticeEvent, Participant, Visibility } from '../types';
import { activeParty, checkVisibility } from './checks';
import type { Command } from './command';
import { SESSION_EVENTS } from './event-pipeline';

/**
 * A party changes its own visibility in the session without leaving it (our extension of the agent protocol): a
 * supervisor monitoring (`VIP`) starts coaching (`INT`), barges in (`ALL`), and goes back. Agents may move between
 * `ALL` and `INT`; customers stay `ALL`.
 *
 * The change is one `USER_CUSTOM` notice from the party, visible at the wider of the two levels, so that every party
 * that starts or stops seeing the party is told: a customer sees a supervisor join the conversation when it barges in
 * and leave it when it goes back, an agent sees a monitoring supervisor start coaching. Its user data names both
 * levels (`visibility`, `previous-visibility`). What the party sent before keeps its visibility; what it sends later
 * takes the new one by default, and its departure is seen at the level it has then.
 */

export const VISIBILITY_CHANGE_KEYS = { visibility: 'visibility', previous: 'previous-visibility' } as const;

/** Wider first: an event at a level is seen by everyone who sees the levels after it. */
const WIDTH: readonly Visibility[] = ['ALL', 'INT', 'VIP'];

/** Changes the party's visibility; asking for the one it has is refused (`INVALID_ARGUMENT`), so every change has its event. */
export function changeVisibility(command: Command, userId: string, visibility: Visibility): void {
  const party = activeParty(command.state, userId);
  checkVisibility(party.userType, visibility, 'join');
  const previous = party.visibility;
  if (previous === visibility) throw new ChatError('INVALID_ARGUMENT', `the party already has visibility ${visibility}`);
  party.visibility = visibility;
  SESSION_EVENTS.append<NoticeEvent>(command, party, {
    kind: 'notice',
    userId,
    noticeType: 'USER_CUSTOM',
    text: changeText(party, previous, visibility),
    visibility: wider(previous, visibility),
    userData: { [VISIBILITY_CHANGE_KEYS.visibility]: visibility, [VISIBILITY_CHANGE_KEYS.previous]: previous },
  });
}

function wider(a: Visibility, b: Visibility): Visibility {
  return WIDTH.indexOf(a) <= WIDTH.indexOf(b) ? a : b;
}

/** What the notice says to whoever reads it; the customer reads only the first two. */
function changeText(party: Participant, previous: Visibility, visibility: Visibility): string {
  if (visibility === 'ALL') return `${party.nickname} joined the conversation`;
  if (previous === 'ALL') return `${party.nickname} left the conversation`;
  return visibility === 'INT' ? `${party.nickname} is coaching` : `${party.nickname} is monitoring`;
}
