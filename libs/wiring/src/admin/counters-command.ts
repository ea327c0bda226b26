import type { ChatServerConfig } from '@ocs/config';
import { healthPortUrl } from '../node-health';
import { AdminCommandError, type AdminOutput } from './admin-output';
import { chosenNodes, withNodes } from './cluster-commands';
import { countersTable, metadataList } from './counters-output';

/** The options of `counters`: the parameters of `GET /Counters` (docs/api/counters.md). */
export interface CountersOptions {
  content?: string;
  reset: boolean;
  metadata: boolean;
  prometheus: boolean;
  gmsInfo: boolean;
}

/** A node's health port, where it serves `GET /Counters`. */
interface HealthPort {
  node: string;
  url: string;
}

const CONTENTS = ['all', 'new', 'set'];

/**
 * The query of `GET /Counters`. The node takes any value and ignores what it does not use; the command refuses instead
 * what the node would silently ignore, so an operator never believes a counter was reset or chosen when it was not.
 */
export function countersQuery(options: CountersOptions): URLSearchParams {
  const { content, reset, metadata, prometheus, gmsInfo } = options;
  if (content !== undefined && !CONTENTS.includes(content)) throw new AdminCommandError(`--content expects all, new or set, not ${JSON.stringify(content)}`);
  if (gmsInfo && (content !== undefined || reset || metadata || prometheus))
    throw new AdminCommandError('--gms-info takes no other counters option: the node ignores them (--reset included)');
  if (metadata && (content !== undefined || prometheus))
    throw new AdminCommandError('--metadata takes neither --content nor --prometheus: the node ignores them');
  const query = new URLSearchParams();
  if (content !== undefined) query.set('content', content);
  for (const [name, set] of Object.entries({ reset, metadata, prometheus, gms_info: gmsInfo })) if (set) query.set(name, 'true');
  return query;
}

/** The embedded product's health port: `[server] health-host` (else `host`) and `health-port` of the configuration. */
function embeddedHealthPort(config: ChatServerConfig, nodeId: string | undefined): HealthPort {
  if (nodeId !== undefined) throw new AdminCommandError('--node names a node of a cluster: this configuration is embedded ([cluster] mode)');
  const url = healthPortUrl(config.server);
  if (url === undefined) throw new AdminCommandError('the product serves no counters: [server] health-port is not set in this configuration');
  if (config.server.healthPort === 0) throw new AdminCommandError('[server] health-port is 0 (any free port): set the port the product listens on');
  return { node: config.server.alias, url };
}

/** One node's answer to `GET /Counters?<query>`: its content type and body. */
async function readNode({ node, url }: HealthPort, query: URLSearchParams): Promise<{ type: string; body: string }> {
  const target = `${url}/Counters?${query}`;
  let response: Response;
  try {
    response = await fetch(target);
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new AdminCommandError(`node ${node}: GET ${target} failed: ${cause}`);
  }
  if (!response.ok) throw new AdminCommandError(`node ${node} answered ${response.status} to GET ${target}`);
  return { type: response.headers.get('content-type') ?? '', body: await response.text() };
}

/** What the nodes answered: one node's body as it is (`raw`), or a table of the values (a list for metadata). */
async function answer(ports: HealthPort[], options: CountersOptions, raw: boolean): Promise<string> {
  const query = countersQuery(options);
  if (raw && ports.length > 1)
    throw new AdminCommandError(`--raw prints one node's answer as it is: name it with --node (nodes: ${ports.map((p) => p.node).join(', ')})`);
  const answers = await Promise.all(ports.map(async (port) => ({ node: port.node, ...(await readNode(port, query)) })));
  if (raw) return answers[0].body.trimEnd();
  return options.metadata ? metadataList(answers) : countersTable(answers);
}

/**
 * `counters [--node <id>] [--content all|new|set] [--reset] [--metadata] [--prometheus] [--gms-info] [--raw]`: the KPI
 * counters each session engine serves on its health port. Embedded: at the configuration's health port. Cluster: at
 * the health port each alive node publishes in the membership; a node that serves none is named on standard error,
 * and the command fails once the others are printed.
 */
export async function readCounters(config: ChatServerConfig, nodeId: string | undefined, options: CountersOptions, raw: boolean): Promise<AdminOutput> {
  if (config.cluster.mode !== 'cluster') return { text: await answer([embeddedHealthPort(config, nodeId)], options, raw) };
  return withNodes(config, async (alive) => {
    const nodes = chosenNodes(alive, nodeId).sort((a, b) => a.nodeId.localeCompare(b.nodeId));
    const ports = nodes.flatMap((n) => (n.healthUrl === undefined ? [] : [{ node: n.nodeId, url: n.healthUrl }]));
    const without = nodes.filter((n) => n.healthUrl === undefined).map((n) => `node ${n.nodeId} serves no counters ([server] health-port is not set)`);
    if (ports.length === 0) throw new AdminCommandError(without.join('\n') || 'no alive session engine');
    const text = await answer(ports, options, raw);
    return without.length > 0 ? { text, notes: without.join('\n'), failed: true } : { text };
  });
}
