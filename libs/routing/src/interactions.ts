import { emit, requireAgent, requireInteraction, requireName, requireQueue, writable, type RoutingContext } from './context';
import { RoutingError } from './errors';
import { forget, moveToQueue } from './moves';
import type { GoneCause, InteractionState } from './types';

/** A new interaction for routing. */
export interface EnqueueRequest {
  interactionId: string;
  queue: string;
  /** Default: the queue's priority. */
  priority?: number;
  /** Default: `chat`. */
  mediaType?: string;
}

/**
 * Puts an interaction in its queue. An unknown queue is refused (the caller picks another; nothing waits where no
 * agent could ever be found). Enqueueing an interaction that is in routing, or left it a moment ago, changes nothing,
 * as a bus delivers at least once.
 */
export function enqueue(ctx: RoutingContext, request: EnqueueRequest): void {
  if (typeof request !== 'object' || request === null) throw new RoutingError('INVALID_ARGUMENT', 'an enqueue request is required');
  const interactionId = requireName(request.interactionId, 'interactionId');
  const queue = requireQueue(ctx, request.queue);
  const mediaType = request.mediaType === undefined ? 'chat' : requireName(request.mediaType, 'mediaType', 64);
  const priority = request.priority ?? queue.priority;
  if (!Number.isInteger(priority)) throw new RoutingError('INVALID_ARGUMENT', `priority must be a whole number (got ${JSON.stringify(priority)})`);
  if (ctx.state.interactions.has(interactionId) || ctx.state.gone.some((g) => g.interactionId === interactionId)) return;
  const it: InteractionState = {
    interactionId,
    queue: queue.name,
    mediaType,
    priority,
    enqueuedAt: ctx.now,
    queuedAt: ctx.now,
    status: 'waiting',
    skip: {},
    offers: 0,
    offerSeq: 0,
  };
  ctx.owned.add(it);
  ctx.state.interactions.set(interactionId, it);
  emit(ctx, { type: 'queued', at: ctx.now, interactionId, queue: queue.name });
}

/**
 * Transfers to a queue: whatever it was doing (waiting, offered, deciding, with an agent), the interaction starts a
 * new wait at the back of that queue, with the queue's priority; the agent that had it is freed.
 */
export function transferToQueue(ctx: RoutingContext, interactionId: string, queueName: string): void {
  const found = requireInteraction(ctx, interactionId);
  const queue = requireQueue(ctx, queueName);
  const it = writable(ctx, found);
  const from = it.queue;
  moveToQueue(ctx, it, queue.name, true);
  emit(ctx, { type: 'transferred', at: ctx.now, interactionId, from, queue: queue.name });
}

/**
 * Transfers to a named agent (who must be logged in): offered to that agent only, whatever its queues and skills,
 * as soon as it is ready with a free slot. If it declines, does not answer, leaves, or does not become free within
 * the queue's offer timeout, the interaction goes back to its queue (a `redirected` event, `target-unavailable`).
 */
export function transferToAgent(ctx: RoutingContext, interactionId: string, agentId: string): void {
  const found = requireInteraction(ctx, interactionId);
  requireAgent(ctx, agentId);
  if (found.status === 'routed' && found.agentId === agentId)
    throw new RoutingError('INVALID_ARGUMENT', `interaction ${interactionId} is with agent ${agentId} already`);
  const queue = requireQueue(ctx, found.queue);
  const it = writable(ctx, found);
  const from = it.queue;
  moveToQueue(ctx, it, it.queue, true);
  it.targetAgentId = agentId;
  it.targetUntil = ctx.now + queue.offerTimeoutMs;
  emit(ctx, { type: 'transferred', at: ctx.now, interactionId, from, queue: it.queue, agentId });
}

/**
 * The interaction leaves routing: `abandoned` (the customer left) or `stopped` (routing or the chat server stopped
 * it) while waiting or offered is an abandon in queue; a chat that had its agent is `completed` whatever the cause,
 * freeing the agent's slot. Removing one that is not here changes nothing.
 */
export function remove(ctx: RoutingContext, interactionId: string, cause: GoneCause): void {
  if (cause !== 'abandoned' && cause !== 'stopped' && cause !== 'completed') {
    throw new RoutingError('INVALID_ARGUMENT', `cause must be abandoned, stopped or completed (got ${JSON.stringify(cause)})`);
  }
  const it: InteractionState | undefined = ctx.state.interactions.get(interactionId);
  if (!it) return;
  if (it.status === 'routed') {
    emit(ctx, { type: 'completed', at: ctx.now, interactionId, queue: it.queue, agentId: it.agentId ?? '' });
    forget(ctx, it, 'completed');
    return;
  }
  const inQueueCause = cause === 'completed' ? 'stopped' : cause;
  emit(ctx, { type: 'abandoned', at: ctx.now, interactionId, queue: it.queue, cause: inQueueCause, waitMs: ctx.now - it.enqueuedAt });
  forget(ctx, it, inQueueCause);
}
