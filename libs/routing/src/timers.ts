import { emit, writable, writableAgent, type RoutingContext } from './context';
import { clearTarget, dropAgent, moveToQueue, redirect } from './moves';
import type { LiveState } from './live-state';
import type { InteractionState, QueueConfig } from './types';

/**
 * Everything due by `now`: agents whose grace ended leave, unanswered offers are redirected, unanswered external
 * requests lapse (asked again), transfers to an agent who never got free end, parked interactions are offered
 * again, and waiting interactions overflow. Runs before every operation, so no operation sees a stale deadline.
 */
export function runTimers(ctx: RoutingContext): void {
  const { state, now } = ctx;
  for (const agent of [...state.agents.values()]) {
    if (agent.graceUntil !== undefined && agent.graceUntil <= now) dropAgent(ctx, agent.agentId);
    else if (agent.flappingUntil !== undefined && agent.flappingUntil <= now) delete writableAgent(ctx, agent).flappingUntil;
  }
  for (const shared of [...state.interactions.values()]) {
    if (dueAt(shared, ctx.queues) > now) continue;
    const it = writable(ctx, shared);
    if (it.status === 'offered' && it.offer && it.offer.expiresAt <= now) redirect(ctx, it, 'no-answer');
    if (it.status === 'deciding' && it.externalRequest && it.externalRequest.expiresAt <= now) {
      it.status = 'waiting';
      delete it.externalRequest;
    }
    for (const agentId in it.skip) if (it.skip[agentId] <= now) delete it.skip[agentId];
    if (it.status !== 'waiting') continue;
    if (it.targetAgentId !== undefined && (it.targetUntil ?? 0) <= now) {
      emit(ctx, { type: 'redirected', at: now, interactionId: it.interactionId, queue: it.queue, agentId: it.targetAgentId, reason: 'target-unavailable' });
      clearTarget(it);
    }
    if (it.parkedUntil !== undefined && it.parkedUntil <= now) {
      delete it.parkedUntil;
      it.offers = 0;
    }
    const queue = ctx.queues.get(it.queue);
    if (queue) overflowOrPark(ctx, it, queue);
  }
}

function overflowOrPark(ctx: RoutingContext, it: InteractionState, queue: QueueConfig): void {
  const { now } = ctx;
  const waited = now - it.queuedAt;
  const byWait = queue.overflowAfterMs > 0 && waited >= queue.overflowAfterMs;
  const byOffers = queue.maxOffers > 0 && it.offers >= queue.maxOffers && it.parkedUntil === undefined;
  if (!byWait && !byOffers) return;
  if (queue.overflowQueue !== undefined && ctx.queues.has(queue.overflowQueue) && it.targetAgentId === undefined) {
    moveToQueue(ctx, it, queue.overflowQueue, false);
    emit(ctx, {
      type: 'overflowed',
      at: now,
      interactionId: it.interactionId,
      from: queue.name,
      queue: queue.overflowQueue,
      reason: byOffers ? 'max-offers' : 'wait',
      waitMs: waited,
    });
  } else if (byOffers) {
    it.parkedUntil = now + queue.parkMs;
    emit(ctx, { type: 'parked', at: now, interactionId: it.interactionId, queue: queue.name, until: it.parkedUntil });
  }
}

/**
 * When something is next due for the interaction (what `runTimers` would do to it): an open offer or external request
 * running out, a skip ending, a transfer to an agent ending, a park ending, an overflow on waiting time; -Infinity
 * when it is due now (it used up its offers), Infinity when nothing is ever due (a chat with its agent). Reading it
 * changes nothing, so the records a step does not touch stay shared with the stored state.
 */
function dueAt(it: InteractionState, queues: ReadonlyMap<string, QueueConfig>): number {
  let next = Infinity;
  if (it.status === 'offered' && it.offer) next = it.offer.expiresAt;
  else if (it.status === 'deciding' && it.externalRequest) next = it.externalRequest.expiresAt;
  for (const agentId in it.skip) next = Math.min(next, it.skip[agentId]);
  if (it.status !== 'waiting') return next;
  if (it.targetAgentId !== undefined) next = Math.min(next, it.targetUntil ?? 0);
  if (it.parkedUntil !== undefined) next = Math.min(next, it.parkedUntil);
  const queue = queues.get(it.queue);
  if (!queue) return next;
  if (queue.maxOffers > 0 && it.offers >= queue.maxOffers && it.parkedUntil === undefined) return -Infinity;
  const overflows = queue.overflowAfterMs > 0 && queue.overflowQueue !== undefined && queues.has(queue.overflowQueue) && it.targetAgentId === undefined;
  return overflows ? Math.min(next, it.queuedAt + queue.overflowAfterMs) : next;
}

/** The earliest time something is due (for the caller's timer), or undefined if nothing is. */
export function nextDeadline(state: LiveState, queues: ReadonlyMap<string, QueueConfig>): number | undefined {
  let next = Infinity;
  for (const { graceUntil, flappingUntil } of state.agents.values()) {
    if (graceUntil !== undefined) next = Math.min(next, graceUntil);
    if (flappingUntil !== undefined) next = Math.min(next, flappingUntil);
  }
  for (const it of state.interactions.values()) next = Math.min(next, dueAt(it, queues));
  return next === Infinity ? undefined : next;
}
