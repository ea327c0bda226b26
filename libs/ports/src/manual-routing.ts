import type { InteractionInfo } from './interaction-server';

/**
 * Routing played by hand, where no real Interaction Server routes (the embedded mode): a person or a test lists the
 * waiting interactions, takes one for an agent, puts it back in a queue, or stops it. Refusals: `UnknownInteractionError`
 * for an unknown interaction, `InteractionStateError` for one in the wrong state.
 */
export interface ManualRouting {
  /** Every queue an interaction known here is or was in, by name, with how many wait in it. */
  queues(): Array<{ queue: string; waiting: number }>;
  /** Interactions waiting in `queue` (in every queue if absent), oldest first. */
  waiting(queue?: string): InteractionInfo[];
  /** One interaction in any state; undefined if unknown. */
  get(interactionId: string): Promise<InteractionInfo | undefined>;
  /** An agent takes a waiting interaction: queued → routed. */
  take(interactionId: string): InteractionInfo;
  /** A taken interaction goes back to waiting, in its own queue or in `queue`: routed → queued. */
  requeue(interactionId: string, queue?: string): InteractionInfo;
  /** Routing stops an interaction: the chat server hears of it and closes its session. Stopping twice changes nothing. */
  stopExternally(interactionId: string): Promise<void>;
}
