import { emptyState, type StoredRoutingState } from '@ocs/routing';

/** How many applied ids of commands that came without a bus position a tenant's document remembers. */
export const APPLIED_MEMORY = 1_000;

/** Where a command sits on the routing topic: its partition and its offset there (a decimal string). */
export interface BusPosition {
  partition: number;
  offset: string;
}

/**
 * What the runtime stores per tenant through the `RoutingStore`: the routing core's state, and what of the routing
 * topic has been applied to it. A command is applied by the save that records it, so a record delivered again (a
 * replay after a rebalance, a replica paused and resumed) is found applied and changes nothing. A tenant's commands
 * share a key, so they come in offset order on one partition: the offset of the last one applied, per partition,
 * tells every earlier one applied, at the cost of one number. A command without a position (not from the bus) is
 * remembered by its id instead, newest last.
 */
export interface RoutingDocument {
  version: 1;
  /** As stored: JSON, or a state a router handed over (a store in memory keeps it as it is; it writes as JSON). */
  routing: StoredRoutingState;
  applied: string[];
  /** Partition → offset of the last command applied from it. Absent in documents of earlier releases. */
  positions?: Record<string, string>;
}

export function emptyDocument(): RoutingDocument {
  return { version: 1, routing: emptyState(), applied: [], positions: {} };
}

/** The stored value as a document; a value that is not one (a foreign or damaged save) is refused, naming it. */
export function readDocument(value: unknown): RoutingDocument {
  if (value === undefined) return emptyDocument();
  const doc = value as Partial<RoutingDocument>;
  if (
    typeof doc !== 'object' ||
    doc === null ||
    doc.version !== 1 ||
    !Array.isArray(doc.applied) ||
    typeof doc.routing !== 'object' ||
    (doc.positions !== undefined && (typeof doc.positions !== 'object' || doc.positions === null))
  ) {
    throw new Error('the stored routing state is not a version 1 routing document');
  }
  return doc as RoutingDocument;
}

/** Whether the command `commandId`, at `position` on the bus if it came from there, is already in the document. */
export function isApplied(doc: RoutingDocument, commandId: string, position: BusPosition | undefined): boolean {
  if (position === undefined) return doc.applied.includes(commandId);
  const last = doc.positions?.[position.partition];
  return last !== undefined && BigInt(position.offset) <= BigInt(last);
}

/**
 * The document with `commands` recorded as applied: each by its position (the furthest one of each partition kept),
 * or by its id (the oldest ids forgotten beyond `APPLIED_MEMORY`).
 */
export function withApplied(
  doc: RoutingDocument,
  routing: StoredRoutingState,
  commands: ReadonlyArray<{ commandId: string; position?: BusPosition }>,
): RoutingDocument {
  const positions = { ...doc.positions };
  let applied = doc.applied;
  for (const { commandId, position } of commands) {
    if (position === undefined) applied = [...applied, commandId];
    else if (!isApplied({ ...doc, positions }, commandId, position)) positions[position.partition] = position.offset;
  }
  if (applied.length > APPLIED_MEMORY) applied = applied.slice(applied.length - APPLIED_MEMORY);
  return { version: 1, routing, applied, positions };
}
