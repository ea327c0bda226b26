import { emit, requireAgent, requireInteraction, requireName, requireQueue, writable, writableAgent, type RoutingContext } from './context';
import { makeOffer } from './decide';
import { ineligibility, loadsOf } from './eligibility';
import { RoutingError } from './errors';
import { redirect } from './moves';
import { transferToQueue } from './interactions';
import type { InteractionState } from './types';

function interactionOf(ctx: RoutingContext, offerId: string): InteractionState {
  requireName(offerId, 'offerId');
  const cut = offerId.lastIndexOf(':');
  if (cut <= 0) throw new RoutingError('INVALID_ARGUMENT', `malformed offerId ${JSON.stringify(offerId)}`);
  return requireInteraction(ctx, offerId.slice(0, cut));
}

function closedOffer(it: InteractionState, offerId: string): RoutingError {
  const now = it.status === 'offered' ? 'offered to another agent' : it.status;
  return new RoutingError('OFFER_EXPIRED', `offer ${offerId} is no longer open (it timed out, was declined or withdrawn); the interaction is ${now}`);
}

/**
 * The agent accepts its open offer: the interaction is routed to it (the offer's slot becomes a chat). Accepting
 * the same offer again changes nothing; an offer that timed out, was declined or withdrawn is refused
 * (`OFFER_EXPIRED`), as is another agent's offer (`NOT_YOUR_OFFER`).
 */
export function accept(ctx: RoutingContext, offerId: string, agentId: string): void {
  const it = interactionOf(ctx, offerId);
  requireAgent(ctx, agentId);
  if (it.status === 'routed' && it.acceptedOfferId === offerId) {
    if (it.agentId === agentId) return;
    throw new RoutingError('NOT_YOUR_OFFER', `offer ${offerId} was made to another agent`);
  }
  if (it.status !== 'offered' || it.offer?.offerId !== offerId) throw closedOffer(it, offerId);
  if (it.offer.agentId !== agentId) throw new RoutingError('NOT_YOUR_OFFER', `offer ${offerId} was made to another agent`);
  routeTo(ctx, writable(ctx, it), agentId, offerId, false);
}

/** `it`: the router's own record (`writable`). */
function routeTo(ctx: RoutingContext, it: InteractionState, agentId: string, offerId: string, picked: boolean): void {
  it.status = 'routed';
  it.agentId = agentId;
  it.acceptedOfferId = offerId;
  it.acceptedAt = ctx.now;
  it.skip = {};
  delete it.offer;
  delete it.parkedUntil;
  delete it.externalRequest;
  delete it.targetAgentId;
  delete it.targetUntil;
  delete it.unservableReported;
  const waitMs = ctx.now - it.enqueuedAt;
  emit(ctx, { type: 'accepted', at: ctx.now, interactionId: it.interactionId, queue: it.queue, agentId, offerId, waitMs, picked });
}

/** The agent declines its open offer: redirected to the next agent, this one skipped for the interaction a while. */
export function decline(ctx: RoutingContext, offerId: string, agentId: string): void {
  const it = interactionOf(ctx, offerId);
  requireAgent(ctx, agentId);
  if (it.status === 'routed' && it.acceptedOfferId === offerId) {
    throw new RoutingError('OFFER_EXPIRED', `offer ${offerId} was accepted already; a routed chat is transferred, not declined`);
  }
  if (it.status !== 'offered' || it.offer?.offerId !== offerId) throw closedOffer(it, offerId);
  if (it.offer.agentId !== agentId) throw new RoutingError('NOT_YOUR_OFFER', `offer ${offerId} was made to another agent`);
  emit(ctx, { type: 'declined', at: ctx.now, interactionId: it.interactionId, queue: it.queue, agentId, offerId });
  redirect(ctx, writable(ctx, it), 'declined');
}

/**
 * The agent takes a waiting interaction itself (manual pick; allowed in any queue): it must be ready, serve the
 * queue with the required skills and have a free slot. A pick is an accept: the interaction is routed at once.
 */
export function pick(ctx: RoutingContext, agentId: string, interactionId: string): string {
  const shared = requireAgent(ctx, agentId);
  const waiting = requireInteraction(ctx, interactionId);
  if (waiting.status !== 'waiting') throw new RoutingError('NOT_WAITING', `interaction ${interactionId} is ${waiting.status}, not waiting`);
  const why = ineligibility(shared, waiting, ctx.queues.get(waiting.queue), loadsOf(ctx.state), ctx.now, true);
  if (why) throw new RoutingError(why.code, `agent ${agentId} cannot take interaction ${interactionId}: ${why.reason}`);
  const it = writable(ctx, waiting);
  const agent = writableAgent(ctx, shared);
  it.offerSeq += 1;
  const offerId = `${it.interactionId}:${it.offerSeq}`;
  agent.idleSince = ctx.now;
  agent.lastAssignmentAt = ctx.now;
  routeTo(ctx, it, agentId, offerId, true);
  return offerId;
}

/** What a workflow or webhook decides for an `ask-external` request: offer to this agent, or move to this queue. */
export type ExternalDecision = { agentId: string } | { queue: string };

/**
 * The answer to an `ask-external` request. An agent must be eligible now (ready, serves the queue, skills, a free
 * slot; an earlier decline does not bar it); a queue must exist. A refused decision changes nothing: the request
 * stays open until its time runs out, and then it is asked again.
 */
export function externalDecision(ctx: RoutingContext, requestId: string, decision: ExternalDecision): void {
  requireName(requestId, 'requestId');
  const it = [...ctx.state.interactions.values()].find((i) => i.status === 'deciding' && i.externalRequest?.requestId === requestId);
  if (!it) throw new RoutingError('UNKNOWN_REQUEST', `no open external request ${JSON.stringify(requestId)} (answered, timed out, or the interaction left)`);
  if (decision && typeof decision === 'object' && 'agentId' in decision) {
    const agent = requireAgent(ctx, decision.agentId);
    const why = ineligibility(agent, it, ctx.queues.get(it.queue), loadsOf(ctx.state), ctx.now, true);
    if (why) throw new RoutingError(why.code, `agent ${decision.agentId} cannot take interaction ${it.interactionId}: ${why.reason}`);
    makeOffer(ctx, it, agent);
  } else if (decision && typeof decision === 'object' && 'queue' in decision) {
    requireQueue(ctx, decision.queue);
    transferToQueue(ctx, it.interactionId, decision.queue);
  } else {
    throw new RoutingError('INVALID_ARGUMENT', 'an external decision names an agentId or a queue');
  }
}
