/**
 * The event bus between services. Records are keyed by session id so one session's records stay in order.
 * Consumers join a group; each record reaches one member of every group.
 */
export interface BusRecord<T = unknown> {
  topic: string;
  key: string;
  value: T;
  /** Where a consumed record sits on the bus (set by the bus on delivery, ignored on publish): partition and offset. */
  partition?: number;
  /** The record's offset in its partition, as a decimal string (Kafka's are 64-bit); the memory bus numbers its records per topic. */
  offset?: string;
}

/**
 * What a handler returns when it took a record in and finishes it later (a push delivery, say): the bus goes on to
 * the next records, those of the same key included, as soon as the handler returned, but counts the record handled
 * only once `handled` settled. A bus that acknowledges records (Kafka: commits offsets) acknowledges a record only
 * when it and every earlier record of its partition are handled, so a record taken in but not finished when its
 * member stops is delivered again. A rejected `handled` is reported as a failing handler is.
 */
export interface TakenRecord {
  readonly handled: Promise<void>;
}

/** Handles one record: settles when done, or returns a `TakenRecord` to finish it later. */
export type BusHandler = (record: BusRecord) => Promise<void | TakenRecord> | void | TakenRecord;

export interface BusSubscription {
  close(): Promise<void>;
}

export interface EventBus {
  publish(records: readonly BusRecord[]): Promise<void>;
  subscribe(topic: string, group: string, handler: BusHandler): Promise<BusSubscription>;
}

/** Whether a handler's result is a record taken in to finish later. */
export function isTakenRecord(result: unknown): result is TakenRecord {
  return typeof result === 'object' && result !== null && (result as { handled?: unknown }).handled instanceof Promise;
}
