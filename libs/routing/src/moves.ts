import { emit, writable, type RoutingContext } from './context';
import type { GoneCause, InteractionState, RedirectReason } from './types';

/**
 * The moves every operation shares: an interaction back to waiting, into another queue, out of routing; an agent
 * out of routing with its work returned. The interaction given to a move is one the router owns (`writable`).
 */

function toWaiting(it: InteractionState): void {
  it.status = 'waiting';
  delete it.offer;
  delete it.externalRequest;
  delete it.agentId;
  delete it.acceptedOfferId;
  delete it.acceptedAt;
}

/**
 * An open offer ends without an accept: the interaction waits again at its original place. After a decline or no
 * answer the agent is skipped for it a while; a transfer to that agent ends (the interaction goes back to its queue).
 */
export function redirect(ctx: RoutingContext, it: InteractionState, reason: RedirectReason): void {
  const agentId = it.offer?.agentId ?? '';
  if (reason === 'declined' || reason === 'no-answer') {
    const queue = ctx.queues.get(it.queue);
    it.skip[agentId] = ctx.now + (queue?.redirectSkipMs ?? 0);
  }
  if (it.targetAgentId === agentId) clearTarget(it);
  toWaiting(it);
  emit(ctx, { type: 'redirected', at: ctx.now, interactionId: it.interactionId, queue: it.queue, agentId, reason });
}

export function clearTarget(it: InteractionState): void {
  delete it.targetAgentId;
  delete it.targetUntil;
}

/** A chat the agent had goes back to its queue, at its original enqueue time (not at the back). */
export function returnRouted(ctx: RoutingContext, it: InteractionState): void {
  const agentId = it.agentId ?? '';
  toWaiting(it);
  it.queuedAt = ctx.now;
  it.offers = 0;
  emit(ctx, { type: 'returned', at: ctx.now, interactionId: it.interactionId, queue: it.queue, agentId, reason: 'agent-lost' });
}

/**
 * Into another queue (overflow, transfer): a fresh stay there (its own overflow clock, offer count and skips).
 * `newPlace`: a transfer starts a new wait; an overflow keeps the interaction's place in line.
 */
export function moveToQueue(ctx: RoutingContext, it: InteractionState, queueName: string, newPlace: boolean): void {
  toWaiting(it);
  clearTarget(it);
  it.queue = queueName;
  it.queuedAt = ctx.now;
  it.offers = 0;
  it.skip = {};
  delete it.parkedUntil;
  delete it.unservableReported;
  if (newPlace) {
    it.enqueuedAt = ctx.now;
    it.priority = ctx.queues.get(queueName)?.priority ?? it.priority;
  }
}

/** The interaction leaves routing; it is remembered a while so late operations on it are refused clearly. */
export function forget(ctx: RoutingContext, it: InteractionState, cause: GoneCause): void {
  ctx.state.interactions.delete(it.interactionId);
  const gone = ctx.state.gone;
  gone.push({ interactionId: it.interactionId, cause, at: ctx.now });
  if (gone.length > ctx.options.goneMemory) gone.splice(0, gone.length - ctx.options.goneMemory);
}

/** The agent leaves routing (grace over, or logged out): its open offers are redirected, its chats returned. */
export function dropAgent(ctx: RoutingContext, agentId: string): void {
  for (const shared of [...ctx.state.interactions.values()]) {
    const offered = shared.status === 'offered' && shared.offer?.agentId === agentId;
    const routed = shared.status === 'routed' && shared.agentId === agentId;
    if (!offered && !routed && shared.targetAgentId !== agentId && !(agentId in shared.skip)) continue;
    const it = writable(ctx, shared);
    if (offered) redirect(ctx, it, 'agent-lost');
    else if (routed) returnRouted(ctx, it);
    if (it.targetAgentId === agentId) {
      emit(ctx, { type: 'redirected', at: ctx.now, interactionId: it.interactionId, queue: it.queue, agentId, reason: 'target-unavailable' });
      clearTarget(it);
    }
    delete it.skip[agentId];
  }
  ctx.state.agents.delete(agentId);
  emit(ctx, { type: 'agent-gone', at: ctx.now, agentId });
}
