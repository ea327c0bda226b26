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

export type BusHandler = (record: BusRecord) => Promise<void> | void;

export interface BusSubscription {
  close(): Promise<void>;
}

export interface EventBus {
  publish(records: readonly BusRecord[]): Promise<void>;
  subscribe(topic: string, group: string, handler: BusHandler): Promise<BusSubscription>;
}
