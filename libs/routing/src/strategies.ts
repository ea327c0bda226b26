import { loadOf, type Loads } from './eligibility';
import type { AgentState, Strategy } from './types';

/**
 * The agent a strategy picks among the candidates (each ready, eligible and with a free slot), or undefined if none.
 * Ties are broken by agent id so the choice is the same on every replica.
 */
export function chooseAgent(
  strategy: Strategy,
  candidates: readonly AgentState[],
  loads: Loads,
  mediaType: string,
  roundRobinPointer?: string,
): AgentState | undefined {
  if (candidates.length === 0) return undefined;
  switch (strategy) {
    case 'least-busy':
      return minBy(candidates, (a, b) => busyness(a, loads, mediaType) - busyness(b, loads, mediaType) || a.idleSince - b.idleSince || byId(a, b));
    case 'round-robin':
      return nextAfter(candidates, roundRobinPointer);
    default:
      // longest-idle; also the choice for an interaction transferred to a named agent (one candidate) and a fallback.
      return minBy(candidates, (a, b) => a.idleSince - b.idleSince || byId(a, b));
  }
}

/** Load over capacity for the media: 0 is idle, 1 is full. */
export function busyness(agent: AgentState, loads: Loads, mediaType: string): number {
  const capacity = agent.capacity[mediaType] ?? 0;
  return capacity > 0 ? loadOf(loads, agent.agentId, mediaType) / capacity : 1;
}

function byId(a: AgentState, b: AgentState): number {
  return a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0;
}

function minBy(agents: readonly AgentState[], compare: (a: AgentState, b: AgentState) => number): AgentState {
  let best = agents[0];
  for (const a of agents) if (compare(a, best) < 0) best = a;
  return best;
}

/** The first candidate after the pointer in agent-id order, wrapping round: every eligible agent has its turn. */
function nextAfter(candidates: readonly AgentState[], pointer: string | undefined): AgentState {
  const sorted = [...candidates].sort(byId);
  if (pointer === undefined) return sorted[0];
  return sorted.find((a) => a.agentId > pointer) ?? sorted[0];
}
