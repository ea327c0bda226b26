import type { InteractionInfo } from './interaction-server';

/**
 * Routing played by hand, where no real Interaction Server routes (the embedded mode): a person or a test lists the
 * waiting interactions, takes one for an agent, puts it back in a queue, or stops it. Refusals: `UnknownInteractionError`
 * for an unknown interaction, `InteractionStateError` for one in the wrong state, `ManualRoutingRefusal` for what the
 * routing behind it refuses (a missing agent, an agent who cannot take the chat).
 */
export interface ManualRouting {
  /** Every queue an interaction known here is or was in, by name, with how many wait in it. */
  queues(): Array<{ queue: string; waiting: number }>;
  /** Interactions waiting in `queue` (in every queue if absent), oldest first. */
  waiting(queue?: string): InteractionInfo[];
  /** One interaction in any state; undefined if unknown. */
  get(interactionId: string): Promise<InteractionInfo | undefined>;
  /**
   * An agent takes a waiting interaction: queued → routed. `agentId`: the agent it is taken for, where routing
   * knows its agents (the built-in routing: the take is that agent's manual pick).
   */
  take(interactionId: string, agentId?: string): InteractionInfo | Promise<InteractionInfo>;
  /** A taken interaction goes back to waiting, in its own queue or in `queue`: routed → queued. */
  requeue(interactionId: string, queue?: string): InteractionInfo;
  /** Routing stops an interaction: the chat server hears of it and closes its session. Stopping twice changes nothing. */
  stopExternally(interactionId: string): Promise<void>;
}

/** A take or requeue the routing behind the surface refuses, naming why: `status` 400 for a bad request, 409 otherwise. */
export class ManualRoutingRefusal extends Error {
  constructor(
    message: string,
    readonly status: 400 | 409 = 409,
  ) {
    super(message);
    this.name = 'ManualRoutingRefusal';
  }
}
