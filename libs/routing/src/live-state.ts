import type { AgentState, GoneRecord, InteractionState, RoutingState } from './types';

/**
 * The state a router works on: the agents and interactions in maps, which are quick to copy and to walk whatever their
 * size (a busy tenant holds thousands of chats), where the stored JSON's records are slow to do either with once
 * they are many. Records are shared with the state the router was made on until the router changes them (`writable`).
 */
export interface LiveState {
  agents: Map<string, AgentState>;
  interactions: Map<string, InteractionState>;
  roundRobin: Record<string, string>;
  gone: GoneRecord[];
  externalSeq: number;
}

/**
 * A state a router handed over (`Router.final`), never to change again: a store in memory keeps it as it is, and the
 * next router is made on it without converting it; a store that serializes it writes its JSON (`toJSON`), the
 * version 1 `RoutingState`.
 */
export class HandedOverState {
  constructor(readonly live: LiveState) {}

  toJSON(): RoutingState {
    const { agents, interactions, roundRobin, gone, externalSeq } = this.live;
    return { version: 1, agents: Object.fromEntries(agents), interactions: Object.fromEntries(interactions), roundRobin, gone, externalSeq };
  }
}

/** What a router may be made on: a state as stored (JSON), or one a router handed over. */
export type StoredRoutingState = RoutingState | HandedOverState;

export function emptyLiveState(): LiveState {
  return { agents: new Map(), interactions: new Map(), roundRobin: {}, gone: [], externalSeq: 0 };
}

/**
 * A state that the core may change without changing the one given: its maps and lists are new, its records (agents,
 * interactions, gone interactions) the given state's. The core copies a record the first time it changes it
 * (`writable`), so a step costs the records it touches, and not a copy of the whole tenant, most of which (chats
 * with their agents) a step does not touch.
 */
export function shareState(state: StoredRoutingState): LiveState {
  if (state instanceof HandedOverState) {
    const { agents, interactions, roundRobin, gone, externalSeq } = state.live;
    return { agents: new Map(agents), interactions: new Map(interactions), roundRobin: { ...roundRobin }, gone: [...gone], externalSeq };
  }
  return {
    agents: new Map(Object.entries(state.agents)),
    interactions: new Map(Object.entries(state.interactions)),
    roundRobin: { ...state.roundRobin },
    gone: [...state.gone],
    externalSeq: state.externalSeq,
  };
}
