/**
 * The event bus between services. Records are keyed by session id so one session's records stay in order.
 * Consumers join a group; each record reaches one member of every group.
 */
export interface BusRecord<T = unknown> {
  topic: string;
  key: string;
  value: T;
}

export type BusHandler = (record: BusRecord) => Promise<void> | void;

export interface BusSubscription {
  close(): Promise<void>;
}

export interface EventBus {
  publish(records: readonly BusRecord[]): Promise<void>;
  subscribe(topic: string, group: string, handler: BusHandler): Promise<BusSubscription>;
}
