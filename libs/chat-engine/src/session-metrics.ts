import type { ChatEvent, ChatSession, PartyLeftEvent } from '@ocs/chat-domain';
import type { MessageDirection, SessionEndReason, SessionMetrics } from '@ocs/ports';
import type { EventSender } from '@ocs/contracts';

const REMOVED = 4;
const CLOSE_IF_NO_AGENTS = 1;
const FORCE_CLOSE = 2;

/** Who a message came from, as the metrics count it. */
export function messageDirection(from: EventSender): MessageDirection {
  if (from.isBot) return 'bot';
  if (from.userType === 'CLIENT') return 'customer-to-agent';
  if (from.userType === 'AGENT' || from.userType === 'SUPERVISOR') return 'agent-to-customer';
  return 'system';
}

/**
 * The guide's end reason of a session, read from the change that closed it, by the rules the reporting's end reason
 * follows over the whole session: a customer leaving by themself (DISCONNECT when their connection was lost, QUIT
 * otherwise); a failed save (DB_ERROR); the session's inactivity (INACTIVE); a party leaving with a request to close
 * (FORCE) or its connection lost (DISCONNECT); else the parties removed by the server (FORCE).
 */
export function closingReason(session: ChatSession, events: readonly ChatEvent[], saveFailed: boolean): SessionEndReason {
  const leaves = events.filter((event): event is PartyLeftEvent => event.kind === 'partyLeft');
  const customer = leaves.find(
    (leave) => (leave.quitReasonCode === '0' || leave.quitReasonCode === '3') && session.participant(leave.userId)?.userType === 'CLIENT',
  );
  if (customer) return customer.quitReasonCode === '3' ? 'DISCONNECT' : 'QUIT';
  if (saveFailed) return 'DB_ERROR';
  if (leaves.some((leave) => leave.quitReasonCode === '7')) return 'INACTIVE';
  const trigger = [...leaves].reverse().find((leave) => leave.reason.code !== REMOVED);
  if (trigger) {
    const forced = trigger.quitReasonCode === '0' && (trigger.reason.code === FORCE_CLOSE || trigger.reason.code === CLOSE_IF_NO_AGENTS);
    return forced ? 'FORCE' : trigger.quitReasonCode === '3' ? 'DISCONNECT' : 'QUIT';
  }
  const quit = leaves[0]?.quitReasonCode;
  return quit === '3' || quit === '8' ? 'DISCONNECT' : 'FORCE';
}

/** Tells the metrics of one committed change: its messages, and its close with the end reason. */
export function countChange(
  metrics: SessionMetrics,
  session: ChatSession,
  events: readonly ChatEvent[],
  senders: readonly EventSender[],
  closed: boolean,
  saveFailed: boolean,
): void {
  for (let i = 0; i < events.length; i++) if (events[i].kind === 'message') metrics.message(messageDirection(senders[i]));
  if (closed) metrics.closed(closingReason(session, events, saveFailed));
}
