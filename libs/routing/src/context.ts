import { jsonCopy } from '@ocs/ports';
import { RoutingError } from './errors';
import type { LiveState } from './live-state';
import type { AgentState, InteractionState, QueueConfig, RouterOptions, RoutingEvent, RoutingState } from './types';

export const ROUTER_DEFAULTS: RouterOptions = {
  graceMs: 30_000,
  flapWindowMs: 60_000,
  flapLimit: 10,
  flapQuietMs: 30_000,
  goneMemory: 1000,
};

/**
 * What one operation works on: the state (changed in place), the configuration, the time and the events it reports.
 * The state's records may be shared with the stored state the router was made on: a record is changed only once it
 * is the router's own (`writable`, `writableAgent`), which `owned` tells.
 */
export interface RoutingContext {
  readonly state: LiveState;
  readonly owned: WeakSet<object>;
  readonly queues: ReadonlyMap<string, QueueConfig>;
  readonly options: RouterOptions;
  readonly now: number;
  readonly events: RoutingEvent[];
}

export function emptyState(): RoutingState {
  return { version: 1, agents: {}, interactions: {}, roundRobin: {}, gone: [], externalSeq: 0 };
}

/** The interaction's record, made the router's own (copied once, the copy put in its place) to be changed. */
export function writable(ctx: RoutingContext, it: InteractionState): InteractionState {
  if (ctx.owned.has(it)) return it;
  const own = jsonCopy(it);
  ctx.owned.add(own);
  ctx.state.interactions.set(own.interactionId, own);
  return own;
}

/** The agent's record, made the router's own to be changed (see `writable`). */
export function writableAgent(ctx: RoutingContext, agent: AgentState): AgentState {
  if (ctx.owned.has(agent)) return agent;
  const own = jsonCopy(agent);
  ctx.owned.add(own);
  ctx.state.agents.set(own.agentId, own);
  return own;
}

export function requireAgent(ctx: RoutingContext, agentId: string): AgentState {
  const agent = typeof agentId === 'string' ? ctx.state.agents.get(agentId) : undefined;
  if (!agent) throw new RoutingError('UNKNOWN_AGENT', `agent ${JSON.stringify(agentId)} is not logged in to routing`);
  return agent;
}

export function requireQueue(ctx: RoutingContext, name: string): QueueConfig {
  const queue = typeof name === 'string' ? ctx.queues.get(name) : undefined;
  if (!queue) throw new RoutingError('UNKNOWN_QUEUE', `unknown queue ${JSON.stringify(name)}`);
  return queue;
}

/** The interaction, or a refusal saying whether it never was here or has left (and why). */
export function requireInteraction(ctx: RoutingContext, interactionId: string): InteractionState {
  const it = typeof interactionId === 'string' ? ctx.state.interactions.get(interactionId) : undefined;
  if (it) return it;
  const gone = ctx.state.gone.find((g) => g.interactionId === interactionId);
  if (gone) throw new RoutingError('INTERACTION_GONE', `interaction ${JSON.stringify(interactionId)} has left routing (${gone.cause})`);
  throw new RoutingError('UNKNOWN_INTERACTION', `unknown interaction ${JSON.stringify(interactionId)}`);
}

export function emit(ctx: RoutingContext, event: RoutingEvent): void {
  ctx.events.push(event);
}

/** A non-empty string of at most `max` characters, or a refusal naming the field. */
export function requireName(value: unknown, field: string, max = 256): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    throw new RoutingError('INVALID_ARGUMENT', `${field} must be a non-empty string of at most ${max} characters`);
  }
  return value;
}
