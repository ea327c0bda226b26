import { emit, writable, writableAgent, type RoutingContext } from './context';
import { addLoad, canServe, hasFreeCapacity, ineligibility, isAvailable, loadsOf, missingSkills, type Loads } from './eligibility';
import { effectivePriority, isAutomatic } from './queue-config';
import { chooseAgent } from './strategies';
import type { AgentState, InteractionState, QueueConfig } from './types';

/**
 * The decision step: which offers to make now. Waiting interactions of the automatic queues (and those transferred
 * to a named agent) are taken by effective priority (aging included), then by their place in line, across every
 * queue; each goes to the agent its queue's strategy picks among those eligible with a free slot. `external` queues
 * get a request for a decision instead; `manual` queues wait for a pick. Interactions no agent could ever take are
 * reported (once per stay in a queue) and keep waiting.
 */
export function decide(ctx: RoutingContext): void {
  const agents = [...ctx.state.agents.values()];
  const loads = loadsOf(ctx.state);
  reportUnservable(ctx, agents);
  const available = agents.filter((a) => isAvailable(a, ctx.now));
  askExternal(ctx, available, loads);
  // Agents with a free slot for some media; once there is none left, the rest of the line waits (cheap when busy).
  const open = available.filter((a) => hasAnyFreeSlot(a, loads));
  for (const it of inOrder(ctx)) {
    if (open.length === 0) return;
    const queue = ctx.queues.get(it.queue);
    const candidates = open.filter((a) => hasFreeCapacity(a, loads, it.mediaType) && ineligibility(a, it, queue, loads, ctx.now) === undefined);
    const strategy = it.targetAgentId !== undefined || !queue ? 'longest-idle' : queue.strategy;
    const agent = chooseAgent(strategy, candidates, loads, it.mediaType, ctx.state.roundRobin[it.queue]);
    if (!agent) continue;
    const offeredTo = makeOffer(ctx, it, agent);
    addLoad(loads, agent.agentId, it.mediaType, 1);
    // The agent's record as it is now (its idle time changed), or none when its slots are full.
    const at = open.indexOf(agent);
    if (hasAnyFreeSlot(agent, loads)) open[at] = offeredTo;
    else open.splice(at, 1);
  }
}

function hasAnyFreeSlot(agent: AgentState, loads: Loads): boolean {
  return Object.keys(agent.capacity).some((media) => hasFreeCapacity(agent, loads, media));
}

/** The interactions to offer now, highest effective priority first, then oldest in line. */
function inOrder(ctx: RoutingContext): InteractionState[] {
  const ranked: { it: InteractionState; priority: number }[] = [];
  for (const it of ctx.state.interactions.values()) {
    if (it.status !== 'waiting' || it.parkedUntil !== undefined) continue;
    const queue = ctx.queues.get(it.queue);
    if (it.targetAgentId === undefined && !(queue && isAutomatic(queue.strategy))) continue;
    ranked.push({ it, priority: effectivePriority(queue, it.priority, ctx.now - it.enqueuedAt) });
  }
  // Ties of priority and enqueue time (chats enqueued in one step) keep their order of arrival: the state's order,
  // which a stable sort keeps.
  ranked.sort((a, b) => b.priority - a.priority || a.it.enqueuedAt - b.it.enqueuedAt);
  return ranked.map((r) => r.it);
}

/**
 * Offers the interaction to the agent: the offer holds one of the agent's slots until answered or timed out. Answers
 * the agent's record as the router now has it.
 */
export function makeOffer(ctx: RoutingContext, shared: InteractionState, sharedAgent: AgentState): AgentState {
  const it = writable(ctx, shared);
  const agent = writableAgent(ctx, sharedAgent);
  const queue = ctx.queues.get(it.queue);
  it.offerSeq += 1;
  it.offers += 1;
  const offer = {
    offerId: `${it.interactionId}:${it.offerSeq}`,
    agentId: agent.agentId,
    offeredAt: ctx.now,
    expiresAt: ctx.now + (queue?.offerTimeoutMs ?? 30_000),
  };
  it.status = 'offered';
  it.offer = offer;
  delete it.externalRequest;
  agent.idleSince = ctx.now;
  agent.lastAssignmentAt = ctx.now;
  ctx.state.roundRobin[it.queue] = agent.agentId;
  emit(ctx, {
    type: 'offered',
    at: ctx.now,
    interactionId: it.interactionId,
    queue: it.queue,
    agentId: agent.agentId,
    offerId: offer.offerId,
    expiresAt: offer.expiresAt,
    waitMs: ctx.now - it.enqueuedAt,
  });
  return agent;
}

function askExternal(ctx: RoutingContext, available: AgentState[], loads: Loads): void {
  for (const shared of ctx.state.interactions.values()) {
    if (shared.status !== 'waiting' || shared.parkedUntil !== undefined || shared.targetAgentId !== undefined) continue;
    const queue = ctx.queues.get(shared.queue);
    if (queue?.strategy !== 'external') continue;
    const it = writable(ctx, shared);
    ctx.state.externalSeq += 1;
    const requestId = `X${ctx.state.externalSeq}`;
    const expiresAt = ctx.now + queue.externalTimeoutMs;
    const candidates = available
      .filter((a) => ineligibility(a, it, queue, loads, ctx.now) === undefined)
      .map((a) => a.agentId)
      .sort();
    it.status = 'deciding';
    it.externalRequest = { requestId, expiresAt };
    emit(ctx, { type: 'ask-external', at: ctx.now, interactionId: it.interactionId, queue: it.queue, requestId, candidates, expiresAt });
  }
}

/** Why no agent logged in could ever take the queue's interactions of this media, or undefined if one could. */
export function unservableReason(agents: readonly AgentState[], queue: QueueConfig | undefined, queueName: string, mediaType: string): string | undefined {
  if (!queue) return `queue ${queueName} is not configured`;
  if (agents.some((a) => canServe(a, queue, mediaType))) return undefined;
  const serving = agents.filter((a) => a.queues.includes(queue.name));
  if (serving.length === 0) return `no agent logged in serves queue ${queue.name}`;
  const skilled = serving.filter((a) => missingSkills(a, queue.requiredSkills).length === 0);
  if (skilled.length === 0) return `no agent serving queue ${queue.name} has the required skills`;
  return `no agent serving queue ${queue.name} has capacity for ${mediaType}`;
}

function reportUnservable(ctx: RoutingContext, agents: readonly AgentState[]): void {
  const memo = new Map<string, string | undefined>();
  for (const it of ctx.state.interactions.values()) {
    if ((it.status !== 'waiting' && it.status !== 'deciding') || it.targetAgentId !== undefined) continue;
    const key = `${it.queue}\u0000${it.mediaType}`;
    if (!memo.has(key)) memo.set(key, unservableReason(agents, ctx.queues.get(it.queue), it.queue, it.mediaType));
    const reason = memo.get(key);
    if (reason === undefined) {
      if (it.unservableReported) delete writable(ctx, it).unservableReported;
    } else if (!it.unservableReported) {
      writable(ctx, it).unservableReported = true;
      emit(ctx, { type: 'unservable', at: ctx.now, interactionId: it.interactionId, queue: it.queue, reason });
    }
  }
}
