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

/** Topic names, versioned with the schema of their values. */
export const TOPICS = {
  sessionEvents: 'ocs.chat.session-events.v1',
  /** Requests addressed to one session-engine node (e.g. purge a session restored elsewhere). */
  nodeCommands: 'ocs.chat.node-commands.v1',
  /** What happened to interactions on the shared interaction queue (cluster mode), keyed by interaction id. */
  interactionEvents: 'ocs.interaction.events.v1',
} as const;
