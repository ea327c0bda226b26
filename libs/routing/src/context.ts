import { jsonCopy } from '@ocs/ports';
import { RoutingError } from './errors';
import type { AgentState, InteractionState, QueueConfig, RouterOptions, RoutingEvent, RoutingState } from './types';

export const ROUTER_DEFAULTS: RouterOptions = {
  graceMs: 30_000,
  flapWindowMs: 60_000,
  flapLimit: 10,
  flapQuietMs: 30_000,
  goneMemory: 1000,
};

/** What one operation works on: the state (changed in place), the configuration, the time and the events it reports. */
export interface RoutingContext {
  readonly state: RoutingState;
  readonly queues: ReadonlyMap<string, QueueConfig>;
  readonly options: RouterOptions;
  readonly now: number;
  readonly events: RoutingEvent[];
}

export function emptyState(): RoutingState {
  return { version: 1, agents: {}, interactions: {}, roundRobin: {}, gone: [], externalSeq: 0 };
}

/**
 * A copy of a state that the core may change: agents, interactions and pointers are copied, as the core changes them
 * in place; the records of gone interactions are shared, as none is changed once written (they are only added and
 * dropped), and they are most of a busy tenant's state.
 */
export function copyState(state: RoutingState): RoutingState {
  return { ...state, agents: jsonCopy(state.agents), interactions: jsonCopy(state.interactions), roundRobin: { ...state.roundRobin }, gone: [...state.gone] };
}

export function requireAgent(ctx: RoutingContext, agentId: string): AgentState {
  const agent = typeof agentId === 'string' ? ctx.state.agents[agentId] : undefined;
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
  const it = typeof interactionId === 'string' ? ctx.state.interactions[interactionId] : undefined;
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
