import { emit, requireAgent, requireName, requireQueue, writable, writableAgent, type RoutingContext } from './context';
import { RoutingError } from './errors';
import { dropAgent, redirect } from './moves';
import { MAX_SKILL_LEVEL, MIN_SKILL_LEVEL, type AgentState } from './types';

/** What an agent says about itself when it logs in to routing (or updates its profile). */
export interface AgentProfile {
  agentId: string;
  /** Media type → chats at once (a whole number ≥ 0; a missing media is 0). */
  capacity: Record<string, number>;
  /** Skill → level, 0–10. */
  skills?: Record<string, number>;
  /** The queues the agent serves. */
  queues: string[];
  /** Ready at once (default: not ready until it says so). */
  ready?: boolean;
  notReadyReason?: string;
}

const MAX_CAPACITY = 1000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkedNumbers(value: unknown, field: string, min: number, max: number): Record<string, number> {
  if (!isRecord(value)) throw new RoutingError('INVALID_ARGUMENT', `${field} must map names to numbers`);
  for (const [key, n] of Object.entries(value)) {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      throw new RoutingError('INVALID_ARGUMENT', `${field} of ${JSON.stringify(key)} must be a whole number from ${min} to ${max} (got ${JSON.stringify(n)})`);
    }
  }
  return { ...(value as Record<string, number>) };
}

function checkedReason(reason: unknown): string | undefined {
  if (reason === undefined) return undefined;
  return requireName(reason, 'the not-ready reason', 64);
}

/**
 * Logs the agent in, or updates its profile (capacity, skills, queues) if it is in already; either way the agent is
 * connected afterwards (a login during the grace of a lost connection is a reconnection). Lowering the capacity
 * below the current load takes nothing away: the agent just gets no new offers until its load is below it.
 */
export function login(ctx: RoutingContext, profile: AgentProfile): void {
  if (!isRecord(profile)) throw new RoutingError('INVALID_ARGUMENT', 'an agent profile is required');
  const agentId = requireName(profile.agentId, 'agentId');
  const capacity = checkedNumbers(profile.capacity, 'capacity', 0, MAX_CAPACITY);
  const skills = checkedNumbers(profile.skills ?? {}, 'skill level', MIN_SKILL_LEVEL, MAX_SKILL_LEVEL);
  if (!Array.isArray(profile.queues)) throw new RoutingError('INVALID_ARGUMENT', 'queues must be a list of queue names');
  const queues = [...new Set(profile.queues)];
  for (const q of queues) requireQueue(ctx, q);
  const reason = checkedReason(profile.notReadyReason);
  const known = ctx.state.agents.get(agentId);
  if (!known) {
    const agent: AgentState = { agentId, ready: false, capacity, skills, queues, idleSince: ctx.now, connected: true, readyChanges: [] };
    if (reason !== undefined) agent.notReadyReason = reason;
    ctx.owned.add(agent);
    ctx.state.agents.set(agentId, agent);
  } else {
    const agent = writableAgent(ctx, known);
    Object.assign(agent, { capacity, skills, queues, connected: true });
    delete agent.graceUntil;
  }
  if (profile.ready === true) setReady(ctx, agentId);
  else if (profile.ready === false) setNotReady(ctx, agentId, reason);
}

/** `agent`: the router's own record (`writableAgent`). */
function noteChange(ctx: RoutingContext, agent: AgentState): void {
  const { flapWindowMs, flapLimit, flapQuietMs } = ctx.options;
  agent.readyChanges = agent.readyChanges.filter((t) => t > ctx.now - flapWindowMs);
  agent.readyChanges.push(ctx.now);
  const flapping = agent.flappingUntil !== undefined && agent.flappingUntil > ctx.now;
  if (flapping || agent.readyChanges.length > flapLimit) {
    // Held out of offers until it keeps still for the quiet time; each further change while held extends it.
    agent.flappingUntil = ctx.now + flapQuietMs;
    agent.readyChanges = [];
    if (!flapping) emit(ctx, { type: 'agent-flapping', at: ctx.now, agentId: agent.agentId, until: agent.flappingUntil });
  }
}

/** Ready for work. Saying it again changes nothing (and does not count as flapping). */
export function setReady(ctx: RoutingContext, agentId: string): void {
  const known = requireAgent(ctx, agentId);
  if (known.ready) return;
  const agent = writableAgent(ctx, known);
  agent.ready = true;
  delete agent.notReadyReason;
  agent.idleSince = ctx.now;
  noteChange(ctx, agent);
}

/**
 * Not ready, with an optional reason code. Its open offers are withdrawn and redirected at once (no skip: the agent
 * did not refuse the chat); the chats it has stay with it.
 */
export function setNotReady(ctx: RoutingContext, agentId: string, reason?: string): void {
  const known = requireAgent(ctx, agentId);
  const code = checkedReason(reason);
  const agent = writableAgent(ctx, known);
  if (code === undefined) delete agent.notReadyReason;
  else agent.notReadyReason = code;
  if (!agent.ready) return;
  agent.ready = false;
  noteChange(ctx, agent);
  for (const it of [...ctx.state.interactions.values()]) {
    if (it.status === 'offered' && it.offer?.agentId === agentId) redirect(ctx, writable(ctx, it), 'agent-not-ready');
  }
}

/**
 * The agent's connection is lost: its presence, offers and chats are kept for the grace period, in which it gets
 * no new offers (an open offer still times out as usual). Reported again during the grace, it changes nothing.
 */
export function connectionLost(ctx: RoutingContext, agentId: string): void {
  const known = requireAgent(ctx, agentId);
  if (!known.connected) return;
  const agent = writableAgent(ctx, known);
  agent.connected = false;
  agent.graceUntil = ctx.now + ctx.options.graceMs;
}

/** Back within the grace: everything as it was. (After the grace the agent is gone and must log in again.) */
export function reconnect(ctx: RoutingContext, agentId: string): void {
  const agent = writableAgent(ctx, requireAgent(ctx, agentId));
  agent.connected = true;
  delete agent.graceUntil;
}

/** Logs the agent out at once: as a lost connection whose grace has ended. */
export function logout(ctx: RoutingContext, agentId: string): void {
  requireAgent(ctx, agentId);
  dropAgent(ctx, agentId);
}
