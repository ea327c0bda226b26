/**
 * Where a session-events record sits on the bus: its partition and offset (Kafka), or the memory bus's sequence
 * (partition 0). Offsets are decimal strings, compared as integers, so that 64-bit Kafka offsets stay exact.
 */
export interface BusPosition {
  partition: number;
  offset: string;
}

/**
 * What the reporting attacher keeps of one session between its records: the calculator's state (a JSON value) and
 * the position of the last record folded into it, so a record delivered again (restart, rebalance, replay) is
 * recognised and skipped. Once the session's final statistics are attached, `state` is gone and `done` is set: the
 * checkpoint stays as a marker for a while, so a replay of the session's earlier records does not start it over.
 */
export interface StatisticsCheckpoint {
  state?: unknown;
  /** Absent when the bus gave no position (a bus without offsets: no redelivery to recognise). */
  position?: BusPosition;
  /** The session's interaction, once a record named it. */
  interactionId?: string;
  done?: boolean;
  /** When the session closed (epoch ms), once it did: the final statistics' lag is measured from it. */
  closedAt?: number;
  /**
   * Statistics folded but not attached yet (no interaction found, Interaction Server away): tried again in the
   * background, and after a restart when the record comes again. `pendingSince`: when they first failed (epoch ms).
   */
  pending?: Record<string, string>;
  pendingSince?: number;
}

/**
 * The reporting attacher's checkpoints, one per session it follows (in memory embedded, in Redis in a cluster).
 * A saved checkpoint replaces the previous one and lives `ttlMs` from its save: a session that stops sending records
 * (its node lost for good) does not keep one forever.
 */
export interface StatisticsCheckpoints {
  load(sessionId: string): Promise<StatisticsCheckpoint | undefined>;
  save(sessionId: string, checkpoint: StatisticsCheckpoint, ttlMs: number): Promise<void>;
  /** Forgets the session's checkpoint (a purged session); deleting one that does not exist is harmless. */
  delete(sessionId: string): Promise<void>;
}

/** True when the record at `position` is at or before `applied` on the same partition: already folded in. */
export function alreadyApplied(applied: BusPosition | undefined, position: BusPosition | undefined): boolean {
  if (!applied || !position || applied.partition !== position.partition) return false;
  return BigInt(position.offset) <= BigInt(applied.offset);
}

/**
 * A copy of plain JSON data (objects, arrays, strings, numbers, booleans, null) as a JSON round trip gives it:
 * properties holding `undefined` are left out, `undefined` in an array becomes null. For the small states the
 * reporting keeps per session it is several times cheaper than `structuredClone` or the round trip itself, which
 * matters at one copy per session-events record.
 */
export function jsonCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const items: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) items[i] = value[i] === undefined ? null : jsonCopy(value[i]);
    return items as T;
  }
  const copy: Record<string, unknown> = {};
  // for…in over plain data (own enumerable keys only): no array of keys made per object.
  for (const key in value) {
    const field = (value as Record<string, unknown>)[key];
    if (field !== undefined) copy[key] = jsonCopy(field);
  }
  return copy as T;
}
