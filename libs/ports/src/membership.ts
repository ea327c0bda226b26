/**
 * The cluster's live membership and routing cache, where speed matters (Redis in a cluster, memory embedded):
 * each session-engine node announces itself with a heartbeat; gateways read who is alive, healthy and not
 * draining, and cache which node owns which session.
 */
export interface NodeInfo {
  nodeId: string;
  /** Where gateways reach the node's engine API. */
  url: string;
  /** Where the node serves its KPI counters (`GET /Counters`): `[server] health-port`; absent when it serves none. */
  healthUrl?: string;
  draining: boolean;
  /** Over a load limit (`limit-for-sessions`): takes no new or restored session until back under its threshold. */
  limited: boolean;
  /** Sessions the node holds. */
  sessions: number;
  /** Epoch ms of the last heartbeat. */
  seenAt: number;
}

export interface Membership {
  /** Announces or refreshes a node; it counts as alive for `ttlMs` after this call. */
  heartbeat(node: Omit<NodeInfo, 'seenAt'>, ttlMs: number): Promise<void>;
  /** Nodes whose last heartbeat has not expired. */
  alive(): Promise<NodeInfo[]>;
  /** Takes a node out at once (clean shutdown). */
  leave(nodeId: string): Promise<void>;
  /** Routing cache: which node serves a session (a hint; ownership decides). */
  setRoute(sessionId: string, nodeId: string, ttlMs: number): Promise<void>;
  route(sessionId: string): Promise<string | undefined>;
  dropRoute(sessionId: string): Promise<void>;
}

/** Live fan-out of session updates to whichever gateway holds a party's connection. */
export interface FanOut {
  publish(channel: string, message: string): Promise<void>;
  /** Messages published on `channel` from now on; returns the unsubscription. */
  subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>>;
}
