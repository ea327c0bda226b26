import { KPI_COUNTER_NAMES, KPI_COUNTERS, KPI_GAUGES, type KpiContent, type KpiCounters } from '@ocs/chat-engine';

/** What `GET /Counters?<parameters>` asks for, after the Genesys rules. */
export interface CountersQuery {
  /** `reset`: every counter to zero first, then the rest. */
  reset: boolean;
  /** `gms_info` > `metadata` > `prometheus` > `content`: the first that is set decides the answer. */
  answer: 'gms_info' | 'metadata' | 'prometheus' | 'content';
  content: KpiContent;
}

const TRUE = ['true', 'yes'];
const FALSE = ['false', 'no'];
const CONTENTS: readonly KpiContent[] = ['all', 'new', 'set'];

/** `true`/`yes` or `false`/`no` (any case); anything else, or nothing, is the default (false). */
function flag(value: string | undefined): boolean {
  const v = value?.toLowerCase();
  return v !== undefined && TRUE.includes(v) && !FALSE.includes(v);
}

/**
 * The Genesys rules of the web interface: a parameter that is absent or has an invalid value takes its default
 * (`false`, `content=all`); `gms_info` ignores every other parameter (reset included); `reset` is applied first;
 * `metadata` ignores `content`. Unknown parameters are ignored. A repeated parameter counts by its first value.
 */
export function countersQuery(params: URLSearchParams): CountersQuery {
  const content = params.get('content')?.toLowerCase() as KpiContent | undefined;
  const chosen: KpiContent = content && CONTENTS.includes(content) ? content : 'all';
  if (flag(params.get('gms_info') ?? undefined)) return { reset: false, answer: 'gms_info', content: 'all' };
  const reset = flag(params.get('reset') ?? undefined);
  if (flag(params.get('metadata') ?? undefined)) return { reset, answer: 'metadata', content: 'all' };
  return { reset, answer: flag(params.get('prometheus') ?? undefined) ? 'prometheus' : 'content', content: chosen };
}

/** What `gms_info` reports: the customers (flex users) this node serves and the sessions they are in. */
export interface GmsInfo {
  node: string;
  flexUsers: number;
  sessions: number;
}

/** The answer to a query: status 200, its type and body. Applies `reset` first. */
export function answerCounters(counters: KpiCounters, query: CountersQuery, gms: () => GmsInfo): { type: string; body: string } {
  if (query.reset) counters.reset();
  switch (query.answer) {
    case 'gms_info':
      return { type: PROMETHEUS_TYPE, body: gmsInfoText(gms()) };
    case 'metadata':
      return { type: JSON_TYPE, body: JSON.stringify(metadata()) };
    case 'prometheus':
      return { type: PROMETHEUS_TYPE, body: prometheusText(counters.read(query.content)) };
    case 'content':
      return { type: JSON_TYPE, body: JSON.stringify(counters.read(query.content)) };
  }
}

const JSON_TYPE = 'application/json; charset=utf-8';
const PROMETHEUS_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Every counter with its description and whether it is cumulative. */
export function metadata(): { counters: Array<{ name: string; description: string; cumulative: boolean }> } {
  return { counters: KPI_COUNTER_NAMES.map((name) => ({ name, description: KPI_COUNTERS[name], cumulative: !KPI_GAUGES.includes(name) })) };
}

/** The Prometheus text exposition of the chosen counters: `counter` for cumulative ones, `gauge` for memory. */
export function prometheusText(values: Readonly<Record<string, number>>): string {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    const known = name as keyof typeof KPI_COUNTERS;
    lines.push(`# HELP ${name} ${KPI_COUNTERS[known]}`, `# TYPE ${name} ${KPI_GAUGES.includes(known) ? 'gauge' : 'counter'}`, `${name} ${value}`);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function gmsInfoText({ node, flexUsers, sessions }: GmsInfo): string {
  const label = `{node="${node.replace(/["\\\n]/g, '_')}"}`;
  return [
    '# HELP gms_flex_users Customers (flex users, reaching this node through GMS or the customer API) present in its chat sessions',
    '# TYPE gms_flex_users gauge',
    `gms_flex_users${label} ${flexUsers}`,
    '# HELP gms_chat_sessions Open chat sessions of this node with a customer present',
    '# TYPE gms_chat_sessions gauge',
    `gms_chat_sessions${label} ${sessions}`,
    '',
  ].join('\n');
}
