import { ChatError } from '@ocs/chat-domain';
import { fromWireError, NotOwnerError } from '@ocs/contracts';
import type { Membership, NodeInfo, RpcClientMetrics } from '@ocs/ports';
import type { z } from 'zod';
import { rpcResponseSchema, type RpcArgs, type RpcMethod, type RpcResult } from './protocol';

export interface NodeCallsOptions {
  /** Alive nodes (`url` is the node's RPC endpoint) and the session → node routing cache. */
  membership: Membership;
  /** The global fetch unless given. */
  fetch?: typeof fetch;
  /** How long a session's node stays cached after a call it served. */
  routeTtlMs: number;
  /** A node that has not answered by then counts as lost for the call. */
  requestTimeoutMs: number;
  /** Told of what no caller hears of (a route that could not be cached or dropped). */
  report: (error: unknown) => void;
  /** `[cluster] internal-secret`, presented on every call. */
  secret: string;
  /** Told of each call to a node: answered after how long, or how it failed; none: nothing measured. */
  metrics?: RpcClientMetrics;
}

/** Nodes a call tries (a NOT_OWNER redirect and the retries after lost nodes count) before giving up. */
const ATTEMPTS = 3;

/** A node that did not answer (connection refused, timeout, not the RPC answering): the call may go elsewhere. */
export class Unreachable extends Error {}

/**
 * Engine RPC calls from a gateway to the session-engine nodes: each goes to the node that owns the session (the
 * cached route, or the least loaded alive node, which restores it), follows NOT_OWNER to the owner once, and moves on
 * when a node is lost or full.
 */
export class NodeCalls {
  private readonly fetch: typeof fetch;
  /** Told whenever a session is found on a node: live attachments of the session follow it there. */
  onRouted: (sessionId: string, nodeId: string) => void = () => undefined;

  constructor(private readonly options: NodeCallsOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  /** A call about a session (or, without one, to the node that should take a new session): its result and the node that served it. */
  async call<M extends RpcMethod>(sessionId: string | undefined, method: M, args: RpcArgs<M>): Promise<{ value: RpcResult<M>; nodeId: string }> {
    const { membership, report } = this.options;
    const lost = new Set<string>();
    let owner: string | undefined;
    let redirected = false;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const alive = (await membership.alive()).filter((node) => !lost.has(node.nodeId));
      const wanted = owner ?? (sessionId === undefined ? undefined : await membership.route(sessionId));
      const node = alive.find((n) => n.nodeId === wanted) ?? leastLoaded(alive);
      if (!node) break;
      try {
        const value = await this.post(node, method, args);
        if (sessionId !== undefined) await this.routeTo(sessionId, node.nodeId);
        return { value, nodeId: node.nodeId };
      } catch (error) {
        if (error instanceof NotOwnerError && error.owner !== undefined && !redirected) {
          owner = error.owner;
          redirected = true;
          continue;
        }
        // A node over its load limit (before its heartbeat said so) takes no new or restored session: try another.
        const full = error instanceof ChatError && error.code === 'LIMIT_REACHED';
        if (!(error instanceof Unreachable) && !full) throw error;
        lost.add(node.nodeId);
        owner = undefined;
        if (sessionId !== undefined) await membership.dropRoute(sessionId).catch(report);
      }
    }
    throw unavailable();
  }

  /** One call to one node: its result, or its refusal as the ChatError the engine threw. */
  async post<M extends RpcMethod>(node: NodeInfo, method: M, args: RpcArgs<M>): Promise<RpcResult<M>> {
    let body: z.infer<typeof rpcResponseSchema>;
    const { metrics } = this.options;
    const start = metrics && performance.now();
    try {
      const response = await this.fetch(node.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.secret}` },
        body: JSON.stringify({ method, args: withoutTrailingUndefined(args) }),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      body = rpcResponseSchema.parse(await response.json());
    } catch (error) {
      metrics?.failed(error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'refused');
      throw new Unreachable(`session engine ${node.nodeId} did not answer ${method}`, { cause: error });
    }
    if (start !== undefined) metrics?.answered((performance.now() - start) / 1000);
    if (!('error' in body)) return body.result as RpcResult<M>;
    const refusal = fromWireError(body.error);
    if (refusal instanceof NotOwnerError) metrics?.failed('not-owner');
    throw refusal ?? new Error(`session engine ${node.nodeId} failed ${method}: ${body.error.message}`);
  }

  /** A call to the node of that id if it is alive; none otherwise. */
  async postIfAlive<M extends RpcMethod>(nodeId: string, method: M, args: RpcArgs<M>): Promise<void> {
    const node = (await this.options.membership.alive()).find((n) => n.nodeId === nodeId);
    if (node) await this.post(node, method, args);
  }

  /** Asks every alive node at once; the first hit wins and routes its session. */
  async findOnAnyNode<T>(ask: (node: NodeInfo) => Promise<T | undefined>, sessionOf: (found: T) => string): Promise<T | undefined> {
    const nodes = await this.options.membership.alive();
    const asked = nodes.map(async (node) => {
      const found = await ask(node);
      if (found === undefined) throw new Error(`not held by ${node.nodeId}`);
      return { found, nodeId: node.nodeId };
    });
    const hit = await Promise.any(asked).catch((error: AggregateError) => {
      if (error.errors.every((e) => e instanceof Unreachable)) throw unavailable();
      return undefined;
    });
    if (hit) await this.routeTo(sessionOf(hit.found), hit.nodeId);
    return hit?.found;
  }

  /** Caches the session's node, and says where the session is. */
  async routeTo(sessionId: string, nodeId: string): Promise<void> {
    await this.options.membership.setRoute(sessionId, nodeId, this.options.routeTtlMs).catch(this.options.report);
    this.onRouted(sessionId, nodeId);
  }
}

function leastLoaded(nodes: NodeInfo[]): NodeInfo | undefined {
  return nodes
    .filter((node) => !node.draining && !node.limited)
    .reduce<NodeInfo | undefined>((best, node) => (best && best.sessions <= node.sessions ? best : node), undefined);
}

function unavailable(): ChatError {
  return new ChatError('STORAGE_UNAVAILABLE', 'no session engine available; try again');
}

/** JSON would turn an omitted optional argument into null. */
function withoutTrailingUndefined(args: readonly unknown[]): unknown[] {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  return args.slice(0, end);
}
