/**
 * What the libraries tell the application metrics (`ocs_*` on `/metrics`), without knowing how they are kept. The
 * wiring hands an implementation in; without one nothing is measured and nothing costs. Every label value is one of
 * a fixed few: never a session id or any other value a client chooses.
 */

/** Who a message came from, as `ocs_messages_total{direction}` counts it. */
export type MessageDirection = 'customer-to-agent' | 'agent-to-customer' | 'bot' | 'system';

/** The end reason codes of the guide (`csg_SessionEndedReason`), as `ocs_sessions_closed_total{reason}` counts them. */
export type SessionEndReason = 'DISCONNECT' | 'QUIT' | 'FORCE' | 'INACTIVE' | 'DB_ERROR';

/** The engine's sessions and messages (told by the engine where a change is committed). */
export interface SessionMetrics {
  created(): void;
  message(direction: MessageDirection): void;
  closed(reason: SessionEndReason): void;
  /** A session of a lost node restored on this one. */
  restored(): void;
}

/** How an engine RPC call from a gateway to a node failed. */
export type RpcFailure = 'timeout' | 'refused' | 'not-owner' | 'error';

/** The engine RPC calls of a gateway (one per node tried). */
export interface RpcClientMetrics {
  /** One call to one node, answered (a refusal by the engine included) after `seconds`. */
  answered(seconds: number): void;
  failed(outcome: RpcFailure): void;
}

/** The event bus's publishing and its consumers' lag. */
export interface BusMetrics {
  published(seconds: number): void;
  publishFailed(): void;
  /** Records of `group` not yet read behind the newest one, on one partition. */
  lag(group: string, partition: number, records: number): void;
}

/** Statements to the database. */
export interface StoreMetrics {
  query(seconds: number): void;
  queryFailed(): void;
}
