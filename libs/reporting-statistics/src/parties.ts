import type { ChatEvent, NewPartyEvent, PartyLeftEvent } from '@ocs/chat-domain';
import type { EventSender } from '@ocs/contracts';
import { addPeriod, type Role, type Stats } from './state';

/**
 * Parties joining and leaving: who counts as what (a visible human agent, a coach, a monitor, a bot, a customer),
 * the unique parties of each kind, and the periods their presence makes: with a customer, handled by an agent,
 * dormant (an async session with no agent).
 */

/**
 * An agent or supervisor the customer sees (visibility ALL) is an agent; one who joined with INT visibility coaches
 * and one with VIP visibility monitors, as the chat domain defines them; a bot is a bot whatever its visibility.
 */
export function roleOf(from: EventSender, visibility: ChatEvent['visibility']): Role {
  if (from.userType === 'CLIENT') return 'customer';
  if (from.userType !== 'AGENT' && from.userType !== 'SUPERVISOR') return 'other';
  if (from.isBot) return 'bot';
  if (visibility === 'INT') return 'coach';
  if (visibility === 'VIP') return 'monitor';
  return 'agent';
}

function addUnique(keys: string[], key: string): void {
  if (!keys.includes(key)) keys.push(key);
}

export function partyJoined(s: Stats, event: NewPartyEvent, from: EventSender): void {
  const role = roleOf(from, event.visibility);
  const at = event.at;
  s.parties[event.userId] = { role, userType: from.userType, present: true };
  // The same person joining again is one party: known by person id when the join names one.
  const key = event.personId ?? event.userId;
  switch (role) {
    case 'customer':
      if (s.customersPresent++ === 0) s.customerSince = at;
      return;
    case 'agent':
      addUnique(s.agentKeys, key);
      s.firstAgentAt ??= at;
      s.everAgent = true;
      if (s.agentsPresent++ === 0) agentsArrived(s, at);
      return;
    case 'coach':
      return addUnique(s.coachKeys, key);
    case 'monitor':
      return addUnique(s.monitorKeys, key);
    case 'bot':
      addUnique(s.botKeys, key);
      s.firstBotAt ??= at;
      return;
  }
}

/** The first agent is in: a handle period starts, and a dormant or routing phase ends. */
function agentsArrived(s: Stats, at: number): void {
  s.handleSince = at;
  if (s.dormantSince !== undefined) endDormant(s, at);
  s.routing = false;
  const turn = s.turn;
  // The customer wrote while the session was dormant: the agent's reply time counts from this joining.
  if (turn?.side === 'customer' && turn.awaitingAgent) {
    turn.firstAt = Math.max(turn.firstAt, at);
    delete turn.awaitingAgent;
  }
}

export function partyLeft(s: Stats, event: PartyLeftEvent, from: EventSender): void {
  const party = s.parties[event.userId];
  if (!party || !party.present) return;
  party.present = false;
  const at = event.at;
  const code = event.reason.code;
  s.leaves.push({ eventId: event.eventId, role: party.role, userType: from.userType, quit: event.quitReasonCode, ...(code !== undefined ? { code } : {}) });
  if (party.role === 'customer') {
    if (s.customerLeft === undefined && (event.quitReasonCode === '0' || event.quitReasonCode === '3')) s.customerLeft = event.quitReasonCode;
    if (--s.customersPresent === 0 && s.customerSince !== undefined) {
      s.withCustomerMs += at - s.customerSince;
      delete s.customerSince;
    }
  } else if (party.role === 'agent' && --s.agentsPresent === 0) {
    if (s.handleSince !== undefined) addPeriod(s.handle, at - s.handleSince);
    delete s.handleSince;
    // A release asking to close (force close, or close if no agents with none left) closes the session, and so does
    // the last agent's leave with no customer left: no dormancy.
    const closing = code === 1 || code === 2;
    if (!s.async || s.routing || closing || s.customersPresent === 0) return;
    // An agent's dropped connection sends the session to routing (async status 4): it is not dormant.
    if (event.quitReasonCode === '3' && from.userType === 'AGENT') s.routing = true;
    else {
      s.dormantSince = at;
      s.dormantStartEventId = event.eventId;
    }
  }
}

export function endDormant(s: Stats, at: number): void {
  if (s.dormantSince === undefined) return;
  addPeriod(s.dormant, at - s.dormantSince);
  delete s.dormantSince;
  delete s.dormantStartEventId;
}

/** A dormant period that began with the event just seen did not happen: the session went to routing (or closed) at once. */
export function cancelDormant(s: Stats): void {
  delete s.dormantSince;
  delete s.dormantStartEventId;
}

/**
 * A session restored before any message forgets the agents that joined before: only one joining after the
 * restoration (or present at the close) makes the session not abandoned.
 */
export function restored(s: Stats): void {
  if (s.messages === 0) s.everAgent = false;
}
