import { RedisMembership } from '@ocs/adapters-redis';
import type { ChatServerConfig } from '@ocs/config';
import type { NodeInfo } from '@ocs/ports';
import { internalSecret, remoteEngineFromConfig } from '../remote-engine';
import { AdminCommandError, type AdminOutput } from './admin-output';

/**
 * The commands on a running cluster: the nodes found in its Redis membership, each reached on its engine endpoints
 * with `[cluster] internal-secret`.
 */

interface HeldSessions {
  nodeId: string;
  draining: boolean;
  sessions: Array<{ sessionId: string; createdAt: number; isRestored: boolean; closed: boolean; parties: Record<string, number>; interactionId?: string }>;
}

/** `use` with the alive nodes of the cluster's membership (Redis); refused unless `[cluster] mode=cluster`. */
export async function withNodes<T>(config: ChatServerConfig, use: (nodes: NodeInfo[]) => Promise<T>): Promise<T> {
  if (config.cluster.mode !== 'cluster') throw new AdminCommandError("this command needs [cluster] mode=cluster and the cluster's [redis] url");
  const membership = new RedisMembership({ url: config.redis.url, keyPrefix: config.redis.keyPrefix });
  try {
    return await use(await membership.alive());
  } finally {
    await membership.close();
  }
}

/** The alive nodes, or the one `nodeId` names (refused, listing the alive ones, when it is not alive). */
export function chosenNodes(nodes: NodeInfo[], nodeId: string | undefined): NodeInfo[] {
  if (nodeId === undefined) return nodes;
  const chosen = nodes.filter((n) => n.nodeId === nodeId);
  if (chosen.length === 0) throw new AdminCommandError(`no alive node ${nodeId} (alive: ${nodes.map((n) => n.nodeId).join(', ') || 'none'})`);
  return chosen;
}

/** An engine endpoint of a node beside its RPC (`…/engine/rpc` → `…/engine/<name>`), with the internal secret. */
async function callNode(config: ChatServerConfig, node: NodeInfo, name: string, method: 'GET' | 'POST'): Promise<unknown> {
  const response = await fetch(new URL(name, node.url), { method, headers: { authorization: `Bearer ${internalSecret(config)}` } });
  if (!response.ok) throw new AdminCommandError(`node ${node.nodeId} answered ${response.status} to ${method} /engine/${name}`);
  return response.json();
}

const time = (ms: number) => new Date(ms).toISOString();

/** `sessions list [--node <id>]`: the sessions each alive node holds. */
export function listSessions(config: ChatServerConfig, nodeId: string | undefined, json: boolean): Promise<AdminOutput> {
  return withNodes(config, async (nodes) => {
    const held = await Promise.all(chosenNodes(nodes, nodeId).map(async (node) => (await callNode(config, node, 'sessions', 'GET')) as HeldSessions));
    if (json) return { text: JSON.stringify(held, null, 2) };
    const lines = held.flatMap((node) => [
      `node ${node.nodeId}${node.draining ? ' (draining)' : ''}: ${node.sessions.length} session(s)`,
      ...node.sessions.map((s) => {
        const parties =
          Object.entries(s.parties)
            .map(([type, n]) => `${type}=${n}`)
            .join(' ') || 'no party';
        return `  ${s.sessionId}  created ${time(s.createdAt)}  ${s.closed ? 'closed' : 'open'}${s.isRestored ? ' restored' : ''}  ${parties}${s.interactionId ? `  interaction ${s.interactionId}` : ''}`;
      }),
    ]);
    return { text: lines.join('\n') || 'no alive session engine' };
  });
}

/** `session show <id>` and `session close <id>`: through the engine RPC, at the node that owns the session. */
export async function sessionCommand(config: ChatServerConfig, action: 'show' | 'close', sessionId: string): Promise<AdminOutput> {
  if (config.cluster.mode !== 'cluster') throw new AdminCommandError("this command needs [cluster] mode=cluster and the cluster's [redis] url");
  const remote = remoteEngineFromConfig(config, () => undefined);
  try {
    if (action === 'close') {
      const { closed } = await remote.engine.closeSession(sessionId, {});
      return { text: closed ? `session ${sessionId} closed` : `session ${sessionId} still open (it has agents)`, failed: !closed };
    }
    const info = await remote.engine.sessionInfo(sessionId, { restore: false });
    return { text: JSON.stringify({ ...info, createdAt: time(info.createdAt) }, null, 2) };
  } catch (error) {
    if (error instanceof AdminCommandError) throw error;
    throw new AdminCommandError(`session ${sessionId}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await remote.close();
  }
}

/** `drain <node>`: the node takes no new session (POST /engine/drain); prints what it holds. */
export function drainNode(config: ChatServerConfig, nodeId: string): Promise<AdminOutput> {
  return withNodes(config, async (nodes) => {
    const [node] = chosenNodes(nodes, nodeId);
    const status = (await callNode(config, node, 'drain', 'POST')) as { sessions: number };
    return { text: `node ${nodeId} draining: it holds ${status.sessions} session(s) and takes no new one` };
  });
}
