import type { RoutingAgentMessage, RoutingCommandRecord } from '@ocs/contracts';
import { SESSION_PASSWORD_KEY } from '@ocs/chat-domain';
import type { InteractionServer } from '@ocs/ports';
import type { Router, RoutingEvent } from '@ocs/routing';

/** The interaction property in which the chat server hands the session password to the agent who takes the chat. */
const INTERACTION_PASSWORD_KEY = 'ChatServerSessionPassword';

export interface AgentMessage {
  agentId: string;
  message: RoutingAgentMessage;
}

/** What the agents hear of a step's events: offers made, offers ended, chats returned. */
export function eventMessages(events: readonly RoutingEvent[]): AgentMessage[] {
  const out: AgentMessage[] = [];
  for (const e of events) {
    if (e.type === 'offered') {
      out.push({
        agentId: e.agentId,
        message: { type: 'offer', offerId: e.offerId, interactionId: e.interactionId, queue: e.queue, expiresAt: e.expiresAt, waitMs: e.waitMs },
      });
    } else if (e.type === 'redirected') {
      out.push({ agentId: e.agentId, message: { type: 'offer-ended', interactionId: e.interactionId, queue: e.queue, reason: e.reason } });
    } else if (e.type === 'returned') {
      out.push({ agentId: e.agentId, message: { type: 'returned', interactionId: e.interactionId, queue: e.queue, reason: e.reason } });
    }
  }
  return out;
}

/** The open offers of a state, told again (same ids) after another replica may have made them and not told them. */
export function openOffers(router: Router, now: number): AgentMessage[] {
  const out: AgentMessage[] = [];
  for (const it of router.offered()) {
    const offer = it.offer;
    if (!offer) continue;
    const message: RoutingAgentMessage = {
      type: 'offer',
      offerId: offer.offerId,
      interactionId: it.interactionId,
      queue: it.queue,
      expiresAt: offer.expiresAt,
      waitMs: now - it.enqueuedAt,
    };
    out.push({ agentId: offer.agentId, message });
  }
  return out;
}

/**
 * The answer to an agent's command, read from the state after it (so a command delivered again is answered the same
 * way): its presence, the chat it took (with the join request), or the queue it looked at.
 */
export async function commandReply(command: RoutingCommandRecord, router: Router, interactions: InteractionServer): Promise<AgentMessage | undefined> {
  if (!('agentId' in command)) return undefined;
  const { agentId, commandId } = command;
  switch (command.type) {
    case 'login':
    case 'ready':
    case 'not-ready':
    case 'reconnect':
    case 'logout':
      return { agentId, message: { type: 'presence', commandId, agent: (router.agent(agentId) as unknown as Record<string, unknown>) ?? null } };
    case 'view':
      return {
        agentId,
        message: {
          type: 'queue',
          commandId,
          queue: command.queue,
          waiting: router.waiting(command.queue).map(({ interactionId, priority, enqueuedAt }) => ({ interactionId, priority, enqueuedAt })),
        },
      };
    case 'accept':
    case 'pick': {
      const interactionId = command.type === 'pick' ? command.interactionId : command.offerId.slice(0, command.offerId.lastIndexOf(':'));
      const it = router.interaction(interactionId);
      if (!it || it.status !== 'routed' || it.agentId !== agentId) return undefined;
      const info = await interactions.get(interactionId);
      if (!info) return undefined;
      const password = info.properties[INTERACTION_PASSWORD_KEY];
      const userData: Record<string, string> = password === undefined ? {} : { [SESSION_PASSWORD_KEY]: password };
      return {
        agentId,
        message: {
          type: 'routed',
          commandId,
          interactionId,
          queue: it.queue,
          sessionId: info.sessionId,
          join: { type: 'join', sessionId: info.sessionId, userData },
        },
      };
    }
    case 'connection-lost':
      return undefined;
    default:
      return { agentId, message: { type: 'done', commandId } };
  }
}
