import type { ChatEvent, MessageEvent } from '@ocs/chat-domain';
import type { EventSender } from '@ocs/contracts';
import { addPeriod, characters, dormantSoFar, type Stats } from './state';

/**
 * The visible dialogue: messages counted and measured by sender, and the wait and reply times between the
 * customer's side and the agents' side (agents and supervisors the customer sees; bots, coaches and monitors
 * are not part of it).
 */

const FILE_NOTICES = ['file-uploaded', 'file-deleted'];

/**
 * Activity, as inactivity control sees it: an event everyone sees that no bot made: a message, an agent joining or
 * leaving, a push-URL or file notice (the default `major` level of `include-notices` / `async-idle-notices`).
 */
export function isActivity(event: ChatEvent, from: EventSender): boolean {
  if (from.isBot || event.visibility !== 'ALL' || event.receiverId !== undefined) return false;
  switch (event.kind) {
    case 'message':
      return from.userType !== 'SYSTEM';
    case 'newParty':
    case 'partyLeft':
      return from.userType === 'AGENT';
    case 'notice':
      return event.noticeType === 'PUSH_URL' || (event.noticeType === 'SYS_COMMAND' && FILE_NOTICES.includes(event.text));
  }
}

export function messagePosted(s: Stats, event: MessageEvent, from: EventSender): void {
  const party = s.parties[event.userId];
  if (!party) return;
  s.messages += 1;
  const size = characters(event.text);
  if (party.role === 'customer') {
    s.fromCustomers.count += 1;
    s.fromCustomers.size += size;
    spoke(s, 'customer', event.at);
  } else if (party.role === 'agent' && seenByCustomer(s, event)) {
    s.fromAgents.count += 1;
    s.fromAgents.size += size;
    s.firstReplyAt ??= event.at;
    spoke(s, 'agent', event.at);
  } else if (party.role === 'bot' && from.isBot && seenByCustomer(s, event)) {
    s.fromBots.count += 1;
    s.fromBots.size += size;
  }
}

/** Visible to everyone, or sent directly to a customer. */
function seenByCustomer(s: Stats, event: MessageEvent): boolean {
  if (event.visibility !== 'ALL') return false;
  return event.receiverId === undefined || s.parties[event.receiverId]?.role === 'customer';
}

/**
 * A message of `side` at `at`. Several in a row make one turn: a reply counts from the other side's first message of
 * its turn, a wait from its last. An agent's wait leaves out the time the session spent dormant; an agent's reply to
 * a customer who wrote while the session was dormant counts from the agent's joining (parties.ts).
 */
function spoke(s: Stats, side: 'customer' | 'agent', at: number): void {
  const turn = s.turn;
  const dormantAway = s.async && s.agentsPresent === 0;
  if (turn && turn.side === side) {
    turn.lastAt = at;
    if (side === 'agent') turn.dormantMark = dormantSoFar(s, at);
    else if (dormantAway) turn.awaitingAgent = true;
    return;
  }
  if (turn && side === 'agent') {
    addPeriod(s.agentReply, at - turn.firstAt);
    addPeriod(s.customerWait, at - turn.lastAt);
  } else if (turn) {
    addPeriod(s.customerReply, at - turn.firstAt);
    addPeriod(s.agentWait, at - turn.lastAt - (dormantSoFar(s, at) - turn.dormantMark));
  }
  s.turn = { side, firstAt: at, lastAt: at, dormantMark: dormantSoFar(s, at), ...(side === 'customer' && dormantAway ? { awaitingAgent: true } : {}) };
}
