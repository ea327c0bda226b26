/** One node's answer to `GET /Counters`: JSON, or Prometheus text (`prometheus`, `gms_info`). */
export interface NodeCounters {
  node: string;
  type: string;
  body: string;
}

/** The samples of a Prometheus text answer, by metric name (labels left out: the node is the column). */
function prometheusSamples(text: string): Record<string, number> {
  const samples = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  return Object.fromEntries(
    samples.map((line) => [line.slice(0, line.lastIndexOf(' ')).replace(/\{.*\}$/, ''), Number(line.slice(line.lastIndexOf(' ') + 1))]),
  );
}

function values({ type, body }: NodeCounters): Record<string, number> {
  return type.startsWith('application/json') ? (JSON.parse(body) as Record<string, number>) : prometheusSamples(body);
}

/**
 * The values as a table: a row per counter, a column per node (`-`: the node did not answer that counter, as
 * `content=new` or `set` leaves some out) and, for several nodes, their total.
 */
export function countersTable(answers: NodeCounters[]): string {
  const byNode = answers.map(values);
  const names = [...new Set(byNode.flatMap((counters) => Object.keys(counters)))];
  const totals = answers.length > 1;
  const header = ['counter', ...answers.map((a) => a.node), ...(totals ? ['total'] : [])];
  const rows = names.map((name) => {
    const cells = byNode.map((counters) => (name in counters ? String(counters[name]) : '-'));
    const total = byNode.reduce((sum, counters) => sum + (counters[name] ?? 0), 0);
    return [name, ...cells, ...(totals ? [String(total)] : [])];
  });
  if (rows.length === 0) return `${header.join('  ')}\n(no counter in the answer)`;
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column].length)));
  const line = (row: string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[0]) : cell.padStart(widths[column]))).join('  ');
  return [header, ...rows].map(line).join('\n');
}

interface Metadata {
  counters: Array<{ name: string; description: string }>;
}

/** The counters' list (`metadata`), once for the nodes that answer the same one (nodes of one release). */
export function metadataList(answers: NodeCounters[]): string {
  const nodesByList = new Map<string, string[]>();
  for (const { node, body } of answers) nodesByList.set(body, [...(nodesByList.get(body) ?? []), node]);
  return [...nodesByList]
    .map(([body, nodes]) => {
      const { counters } = JSON.parse(body) as Metadata;
      const width = Math.max(...counters.map((c) => c.name.length));
      const lines = counters.map((c) => `  ${c.name.padEnd(width)}  ${c.description}`);
      return [`counters of node ${nodes.join(', ')}:`, ...lines].join('\n');
    })
    .join('\n');
}
