import type { RoutingCommandRecord } from '@ocs/contracts';
import { RoutingError, type Router, type RoutingEvent } from '@ocs/routing';

/** One command applied to the router (presence, offers, picks, transfers, interactions coming and going). */
export function applyCommand(router: Router, c: RoutingCommandRecord): RoutingEvent[] {
  switch (c.type) {
    case 'login':
      return router.login({ agentId: c.agentId, capacity: c.capacity, skills: c.skills, queues: c.queues, ready: c.ready, notReadyReason: c.notReadyReason });
    case 'ready':
      return router.setReady(c.agentId);
    case 'not-ready':
      return router.setNotReady(c.agentId, c.reason);
    case 'connection-lost':
      return router.connectionLost(c.agentId);
    case 'reconnect':
      return router.reconnect(c.agentId);
    case 'logout':
      return router.logout(c.agentId);
    case 'accept':
      return router.accept(c.offerId, c.agentId);
    case 'decline':
      return router.decline(c.offerId, c.agentId);
    case 'pick':
      return router.pick(c.agentId, c.interactionId);
    case 'view':
      router.waiting(c.queue);
      return router.tick();
    case 'transfer':
      return transfer(router, c);
    case 'enqueue':
      return router.enqueue({ interactionId: c.interactionId, queue: c.queue, mediaType: c.mediaType });
    case 'remove':
      return router.remove(c.interactionId, c.cause);
    case 'external-decision':
      if ((c.queue === undefined) === (c.targetAgentId === undefined))
        throw new RoutingError('INVALID_ARGUMENT', 'an external decision names either a targetAgentId or a queue');
      return router.externalDecision(c.requestId, c.queue !== undefined ? { queue: c.queue } : { agentId: c.targetAgentId as string });
  }
}

function transfer(router: Router, c: Extract<RoutingCommandRecord, { type: 'transfer' }>): RoutingEvent[] {
  const it = router.interaction(c.interactionId);
  if (it && it.agentId !== c.agentId && it.offer?.agentId !== c.agentId) {
    throw new RoutingError('NOT_ELIGIBLE', `interaction ${JSON.stringify(c.interactionId)} is not routed to agent ${JSON.stringify(c.agentId)}`);
  }
  if ((c.queue === undefined) === (c.targetAgentId === undefined))
    throw new RoutingError('INVALID_ARGUMENT', 'a transfer names either a queue or a targetAgentId');
  return c.queue !== undefined ? router.transferToQueue(c.interactionId, c.queue) : router.transferToAgent(c.interactionId, c.targetAgentId as string);
}
