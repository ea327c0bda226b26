import { emptyState, type RoutingState } from '@ocs/routing';

/** How many applied command ids a tenant's document remembers: far more than a consumer can replay after a takeover. */
export const APPLIED_MEMORY = 10_000;

/**
 * What the runtime stores per tenant through the `RoutingStore`: the routing core's state, and the ids of the
 * commands applied to it, newest last. The ids are the commands' positions as far as routing is concerned: a
 * command is applied by the save that records its id, so a record delivered again (a replay after a rebalance, a
 * replica paused and resumed) finds its id and changes nothing.
 */
export interface RoutingDocument {
  version: 1;
  routing: RoutingState;
  applied: string[];
}

export function emptyDocument(): RoutingDocument {
  return { version: 1, routing: emptyState(), applied: [] };
}

/** The stored value as a document; a value that is not one (a foreign or damaged save) is refused, naming it. */
export function readDocument(value: unknown): RoutingDocument {
  if (value === undefined) return emptyDocument();
  const doc = value as Partial<RoutingDocument>;
  if (typeof doc !== 'object' || doc === null || doc.version !== 1 || !Array.isArray(doc.applied) || typeof doc.routing !== 'object') {
    throw new Error('the stored routing state is not a version 1 routing document');
  }
  return doc as RoutingDocument;
}

/** The document with `commandId` recorded as applied (the oldest ids forgotten beyond `APPLIED_MEMORY`). */
export function withApplied(doc: RoutingDocument, routing: RoutingState, commandId: string | undefined): RoutingDocument {
  if (commandId === undefined) return { version: 1, routing, applied: doc.applied };
  const applied = [...doc.applied, commandId];
  return { version: 1, routing, applied: applied.length > APPLIED_MEMORY ? applied.slice(applied.length - APPLIED_MEMORY) : applied };
}
