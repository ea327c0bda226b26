/**
 * What the libraries tell the application metrics (`ocs_*` on `/metrics`), without knowing how they are kept. The
 * wiring hands an implementation in; without one nothing is measured and nothing costs. Every label value is one of
 * a fixed few: never a session id or any other value a client chooses.
 */

/** Who a message came from, as `ocs_messages_total{direction}` counts it. */
export type MessageDirection = 'customer-to-agent' | 'agent-to-customer' | 'bot' | 'system';

/** The end reason codes of the guide (`csg_SessionEndedReason`), as `ocs_sessions_closed_total{reason}` counts them. */
export type SessionEndReason = 'DISCONNECT' | 'QUIT' | 'FORCE' | 'INACTIVE' | 'DB_ERROR';

/** The API a party came through: the customer API (`flex`: GMS REST, CometD), the agent API (`basic`), ESP. */
export type PartyApi = 'flex' | 'basic' | 'esp';

/**
 * The engine's sessions and messages (told by the engine where a change is committed). The optional hooks are told
 * only to a listener that has them (the node's KPI counters of `GET /Counters`); the application metrics leave them out.
 */
export interface SessionMetrics {
  created(): void;
  message(direction: MessageDirection, api: PartyApi): void;
  closed(reason: SessionEndReason): void;
  /** A session of a lost node restored on this one. */
  restored(): void;
  /** A party joined, through `api`. */
  joined?(api: PartyApi): void;
  /** A party left or was removed. */
  left?(): void;
  /** A notice (typing, push URL, custom, ...) committed, sent through `api`. */
  notice?(api: PartyApi): void;
  /** A new or restored session, or a flex login, refused at a load limit. */
  refused?(): void;
  /** A party's request refused with an error (unknown session, bad credentials, bad input). */
  requestFailed?(): void;
  /** Milliseconds spent on the sessions' expired timers. */
  activity?(ms: number): void;
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
