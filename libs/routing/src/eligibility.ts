import type { LiveState } from './live-state';
import type { AgentState, InteractionState, QueueConfig } from './types';

/** Agent → media type → interactions offered to or handled by the agent. Offers hold a slot as accepted chats do. */
export type Loads = Map<string, Record<string, number>>;

export function loadsOf(state: LiveState): Loads {
  const loads: Loads = new Map();
  for (const it of state.interactions.values()) {
    const agentId = it.status === 'offered' ? it.offer?.agentId : it.status === 'routed' ? it.agentId : undefined;
    if (agentId !== undefined) addLoad(loads, agentId, it.mediaType, 1);
  }
  return loads;
}

export function addLoad(loads: Loads, agentId: string, mediaType: string, n: number): void {
  const perMedia = loads.get(agentId) ?? {};
  perMedia[mediaType] = (perMedia[mediaType] ?? 0) + n;
  loads.set(agentId, perMedia);
}

export function loadOf(loads: Loads, agentId: string, mediaType: string): number {
  return loads.get(agentId)?.[mediaType] ?? 0;
}

export function hasFreeCapacity(agent: AgentState, loads: Loads, mediaType: string): boolean {
  return loadOf(loads, agent.agentId, mediaType) < (agent.capacity[mediaType] ?? 0);
}

/** Ready, connected and not held for flapping: may be given new work. */
export function isAvailable(agent: AgentState, now: number): boolean {
  return agent.ready && agent.connected && !(agent.flappingUntil !== undefined && agent.flappingUntil > now);
}

export function missingSkills(agent: AgentState, required: Record<string, number>): string[] {
  return Object.entries(required)
    .filter(([skill, level]) => (agent.skills[skill] ?? -1) < level)
    .map(([skill, level]) => `${skill}≥${level}`);
}

/** Whether the agent could ever take the queue's interactions of this media (serves it, skills, some capacity). */
export function canServe(agent: AgentState, queue: QueueConfig, mediaType: string): boolean {
  return agent.queues.includes(queue.name) && missingSkills(agent, queue.requiredSkills).length === 0 && (agent.capacity[mediaType] ?? 0) > 0;
}

export interface Ineligibility {
  code: 'NOT_ELIGIBLE' | 'NO_CAPACITY';
  reason: string;
}

/**
 * Why the agent may not take the interaction now, or undefined if it may. `ignoreSkip`: a manual pick or an
 * external decision is the agent's or the workflow's own choice, so an earlier decline does not bar it.
 */
export function ineligibility(
  agent: AgentState,
  it: InteractionState,
  queue: QueueConfig | undefined,
  loads: Loads,
  now: number,
  ignoreSkip = false,
): Ineligibility | undefined {
  const reason = (text: string): Ineligibility => ({ code: 'NOT_ELIGIBLE', reason: text });
  if (!agent.connected) return reason('the agent has lost its connection');
  if (!agent.ready) return reason('the agent is not ready');
  if (!isAvailable(agent, now)) return reason('the agent is held out of routing for flapping');
  if (it.targetAgentId !== undefined) {
    if (it.targetAgentId !== agent.agentId) return reason(`the interaction is transferred to agent ${it.targetAgentId}`);
  } else {
    if (!queue) return reason(`the interaction's queue ${it.queue} is not configured`);
    if (!agent.queues.includes(queue.name)) return reason(`the agent does not serve queue ${queue.name}`);
    const missing = missingSkills(agent, queue.requiredSkills);
    if (missing.length > 0) return reason(`the agent lacks ${missing.join(', ')}`);
  }
  if (!ignoreSkip && (it.skip[agent.agentId] ?? 0) > now) return reason('the agent declined or missed this interaction a moment ago');
  if (!hasFreeCapacity(agent, loads, it.mediaType)) return { code: 'NO_CAPACITY', reason: `the agent is at its capacity for ${it.mediaType}` };
  return undefined;
}
