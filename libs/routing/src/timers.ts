import { emit, type RoutingContext } from './context';
import { clearTarget, dropAgent, moveToQueue, redirect } from './moves';
import type { InteractionState, QueueConfig, RoutingState } from './types';

/**
 * Everything due by `now`: agents whose grace ended leave, unanswered offers are redirected, unanswered external
 * requests lapse (asked again), transfers to an agent who never got free end, parked interactions are offered
 * again, and waiting interactions overflow. Runs before every operation, so no operation sees a stale deadline.
 */
export function runTimers(ctx: RoutingContext): void {
  const { state, now } = ctx;
  for (const agent of Object.values(state.agents)) {
    if (agent.graceUntil !== undefined && agent.graceUntil <= now) dropAgent(ctx, agent.agentId);
    else if (agent.flappingUntil !== undefined && agent.flappingUntil <= now) delete agent.flappingUntil;
  }
  for (const it of Object.values(state.interactions)) {
    if (it.status === 'offered' && it.offer && it.offer.expiresAt <= now) redirect(ctx, it, 'no-answer');
    if (it.status === 'deciding' && it.externalRequest && it.externalRequest.expiresAt <= now) {
      it.status = 'waiting';
      delete it.externalRequest;
    }
    for (const [agentId, until] of Object.entries(it.skip)) if (until <= now) delete it.skip[agentId];
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

/** The earliest time something is due (for the caller's timer), or undefined if nothing is. */
export function nextDeadline(state: RoutingState, queues: ReadonlyMap<string, QueueConfig>): number | undefined {
  let next = Infinity;
  const at = (t: number | undefined): void => {
    if (t !== undefined && t < next) next = t;
  };
  for (const agent of Object.values(state.agents)) {
    at(agent.graceUntil);
    at(agent.flappingUntil);
  }
  for (const it of Object.values(state.interactions)) {
    at(it.offer?.expiresAt);
    at(it.externalRequest?.expiresAt);
    at(it.parkedUntil);
    if (it.status === 'waiting') at(it.targetUntil);
    for (const until of Object.values(it.skip)) at(until);
    const queue = queues.get(it.queue);
    if (it.status === 'waiting' && queue && queue.overflowAfterMs > 0 && queue.overflowQueue !== undefined) at(it.queuedAt + queue.overflowAfterMs);
  }
  return next === Infinity ? undefined : next;
}
