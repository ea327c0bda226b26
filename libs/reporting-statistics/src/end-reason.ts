import type { Leave, Role, Stats } from './state';

/**
 * The end reason codes: who ended the session (`csg_SessionEndedBy`), how (`csg_SessionEndedReason`) and whether an
 * agent was there (`csg_SessionEndedAgent`). They are read from the party-left events that came last: when a
 * session closes, every party still present is removed (leave reason 4, "removed", all with the quit reason code
 * of the closing), right after the leave or the system action that closed it.
 */

export interface EndReason {
  by: 'CLIENT' | 'AGENT' | 'SUPERVISOR' | 'BOT' | 'SYSTEM';
  reason: 'DISCONNECT' | 'QUIT' | 'FORCE' | 'INACTIVE' | 'DB_ERROR';
  agent: 'ABSENT' | 'PRESENT' | 'VISITED';
}

const REMOVED = 4;
const CLOSE_IF_NO_AGENTS = 1;
const FORCE_CLOSE = 2;

function actor(leave: Leave): EndReason['by'] {
  if (leave.role === 'bot') return 'BOT';
  if (leave.userType === 'AGENT' || leave.userType === 'SUPERVISOR' || leave.userType === 'CLIENT') return leave.userType;
  return 'SYSTEM';
}

/** The parties removed by the closing itself (the trailing run of removals with one quit reason code) and what came before. */
function closing(leaves: readonly Leave[]): { removed: Leave[]; trigger?: Leave } {
  const last = leaves[leaves.length - 1];
  if (!last) return { removed: [] };
  let i = leaves.length;
  while (i > 0 && leaves[i - 1].code === REMOVED && leaves[i - 1].quit === last.quit) i--;
  const removed = leaves.slice(i);
  // Removals asked for by a party (quit reason 4) follow that party's own leave; a party leaving last closes by itself.
  if (removed.length === 0) return { removed, trigger: last };
  if (last.quit === '4' && i > 0) return { removed, trigger: leaves[i - 1] };
  return { removed };
}

/** `saveFailed`: the `closed` record says the transcript could not be saved. */
export function endReason(s: Stats, saveFailed = false): EndReason {
  const { removed, trigger } = closing(s.leaves);
  const atClose: Leave[] = trigger ? [...removed, trigger] : removed;
  const agentAtClose = s.agentsPresent > 0 || atClose.some((l) => l.role === ('agent' satisfies Role));
  const agent = agentAtClose ? 'PRESENT' : s.everAgent ? 'VISITED' : 'ABSENT';
  // A customer who left by themself ended it, whatever happened after.
  if (s.customerLeft !== undefined) return { by: 'CLIENT', reason: s.customerLeft === '3' ? 'DISCONNECT' : 'QUIT', agent };
  if (saveFailed) return { by: 'SYSTEM', reason: 'DB_ERROR', agent };
  if (s.idleClosed) return { by: 'SYSTEM', reason: 'INACTIVE', agent };
  if (trigger) {
    const forced = trigger.quit === '0' && (trigger.code === FORCE_CLOSE || trigger.code === CLOSE_IF_NO_AGENTS);
    const reason = forced ? 'FORCE' : trigger.quit === '3' ? 'DISCONNECT' : 'QUIT';
    return { by: actor(trigger), reason, agent };
  }
  const quit = removed[0]?.quit;
  if (quit === '7') return { by: 'SYSTEM', reason: 'INACTIVE', agent };
  return { by: 'SYSTEM', reason: quit === '3' || quit === '8' ? 'DISCONNECT' : 'FORCE', agent };
}

/** The dormant period under way at the close began with one of the closing removals: it never was one. */
export function closingStartedDormant(s: Stats): boolean {
  if (s.dormantStartEventId === undefined) return false;
  const { removed, trigger } = closing(s.leaves);
  return [...removed, ...(trigger ? [trigger] : [])].some((l) => l.eventId === s.dormantStartEventId);
}
