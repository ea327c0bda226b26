import { parseArgs } from 'node:util';
import { MAX_WORKERS } from './protocol';

export const SCENARIOS = ['ceilings', 'cometd', 'rest', 'async', 'churn'] as const;
export type Scenario = (typeof SCENARIOS)[number];
/** The product as one process, or as a cluster of processes on Cassandra, Kafka and Redis. */
export type Mode = 'embedded' | 'cluster';
/** What the cluster mode runs: async reads the embedded router surface, and the ceilings compare one process with bare Node. */
const CLUSTER_SCENARIOS: readonly Scenario[] = ['cometd', 'rest', 'churn'];

/** Every knob of a bench run; `--quick` and the full mode differ only in their defaults. */
export interface Options {
  quick: boolean;
  mode: Mode;
  scenarios: Scenario[];
  workers: number;
  /** Concurrent sessions of the reference scenario, per customer transport. */
  cometdSessions: number;
  restSessions: number;
  cometdTransport: 'websocket' | 'long-polling';
  sessionSeconds: number;
  steadySeconds: number;
  messagesPerSide: number;
  messageBytes: number;
  chatsPerAgent: number;
  pollSeconds: number;
  graceSeconds: number;
  /** Async scenario: sessions held in all, and dormant sessions per active one. */
  asyncSessions: number;
  asyncRatio: number;
  dormantConcurrency: number;
  dormantMessageSeconds: number;
  churnRate: number;
  churnSeconds: number;
  /** Ceilings: client concurrency (requests in flight, or ping-pong pairs) and length of each closed loop. */
  concurrency: number;
  ceilingSeconds: number;
  warmupSeconds: number;
  metricsSeconds: number;
  timeoutSeconds: number;
  serverNodeOptions: string[];
  cpuProf: boolean;
  out: string;
}

interface Spec {
  key: keyof Options;
  flag: string;
  help: string;
  full: number | string;
  quick: number | string;
}

const SPECS: Spec[] = [
  {
    key: 'mode',
    flag: 'mode',
    help: `embedded (one process) or cluster (engines and gateways on Cassandra, Kafka, Redis; scenarios ${CLUSTER_SCENARIOS.join(', ')})`,
    full: 'embedded',
    quick: 'embedded',
  },
  { key: 'workers', flag: 'workers', help: 'load-generator processes', full: 2, quick: 2 },
  { key: 'cometdSessions', flag: 'cometd-sessions', help: 'concurrent all-active sessions, CometD customers', full: 15_000, quick: 150 },
  { key: 'restSessions', flag: 'rest-sessions', help: 'concurrent all-active sessions, REST short-polling customers', full: 10_000, quick: 150 },
  { key: 'cometdTransport', flag: 'cometd-transport', help: 'CometD transport of customers: websocket or long-polling', full: 'websocket', quick: 'websocket' },
  { key: 'sessionSeconds', flag: 'session-seconds', help: 'length of a reference session', full: 35, quick: 6 },
  { key: 'steadySeconds', flag: 'steady-seconds', help: 'steady state between ramp-up and ramp-down', full: 60, quick: 4 },
  { key: 'messagesPerSide', flag: 'messages-per-side', help: 'messages of the customer, and of the agent, per session', full: 3, quick: 3 },
  { key: 'messageBytes', flag: 'message-bytes', help: 'size of each message text', full: 100, quick: 100 },
  { key: 'chatsPerAgent', flag: 'chats-per-agent', help: 'chats one agent connection handles at once', full: 5, quick: 5 },
  { key: 'pollSeconds', flag: 'poll-seconds', help: 'REST customers refresh this often', full: 3, quick: 3 },
  { key: 'graceSeconds', flag: 'grace-seconds', help: "how long past its end a session waits for the customer's messages on their way", full: 5, quick: 5 },
  { key: 'asyncSessions', flag: 'async-sessions', help: 'async scenario: sessions held in all (dormant + active)', full: 200_000, quick: 3_060 },
  { key: 'asyncRatio', flag: 'async-ratio', help: 'async scenario: dormant sessions per active one (1:N)', full: 50, quick: 50 },
  { key: 'dormantConcurrency', flag: 'dormant-concurrency', help: 'requests in flight while creating dormant sessions', full: 64, quick: 32 },
  { key: 'dormantMessageSeconds', flag: 'dormant-message-seconds', help: 'each dormant customer sends a message this often (0: once)', full: 0, quick: 0 },
  { key: 'churnRate', flag: 'churn-rate', help: 'sessions created (and closed) per second in the churn scenario', full: 300, quick: 40 },
  { key: 'churnSeconds', flag: 'churn-seconds', help: 'length of the churn', full: 60, quick: 5 },
  { key: 'concurrency', flag: 'concurrency', help: 'ceilings: requests in flight, and ping-pong pairs', full: 128, quick: 32 },
  { key: 'ceilingSeconds', flag: 'ceiling-seconds', help: 'ceilings: length of each closed loop', full: 10, quick: 3 },
  { key: 'warmupSeconds', flag: 'warmup-seconds', help: 'ceilings: an unmeasured closed loop before each measured one', full: 3, quick: 1 },
  { key: 'metricsSeconds', flag: 'metrics-seconds', help: "read the product's /metrics (event-loop delay, heap) this often", full: 5, quick: 2 },
  { key: 'timeoutSeconds', flag: 'timeout-seconds', help: 'a request (or routing) taking longer counts as an error', full: 30, quick: 10 },
  {
    key: 'serverNodeOptions',
    flag: 'server-node-options',
    help: 'Node.js options of the product process (give them as --server-node-options="…")',
    full: '--max-old-space-size=8192',
    quick: '--max-old-space-size=8192',
  },
  { key: 'out', flag: 'out', help: 'folder of the results', full: 'bench/results', quick: 'bench/results' },
];

export const USAGE = [
  'npm run bench -- [--quick] [--only s1,s2] [--cpu-prof] [--<option> <value> …]',
  '',
  `  --quick                   small counts and short phases (under 2 minutes with the build)`,
  `  --only <list>             scenarios to run, of ${SCENARIOS.join(', ')} (default: all the mode runs)`,
  `  --cpu-prof                profile the product process (node --cpu-prof), next to the results`,
  ...SPECS.map((s) => `  --${s.flag.padEnd(24)}${s.help} (full ${s.full}, quick ${s.quick})`),
].join('\n');

export class UsageError extends Error {}

/** The options of `argv` (the arguments after the script), or a UsageError naming what is wrong. */
export function parseOptions(argv: string[]): Options | 'help' {
  const flags: Record<string, { type: 'string' | 'boolean' }> = {
    quick: { type: 'boolean' },
    help: { type: 'boolean' },
    only: { type: 'string' },
    'cpu-prof': { type: 'boolean' },
  };
  for (const spec of SPECS) flags[spec.flag] = { type: 'string' };
  const values: Record<string, string | boolean | undefined> = parseArgs({ args: argv, strict: true, options: flags }).values;
  if (values.help) return 'help';
  const quick = values.quick === true;
  const options: Record<string, unknown> = { quick, cpuProf: values['cpu-prof'] === true };
  for (const spec of SPECS) {
    const given = values[spec.flag];
    const fallback = quick ? spec.quick : spec.full;
    const raw = typeof given === 'string' ? given : String(fallback);
    options[spec.key] = typeof fallback === 'number' ? number(spec.flag, raw) : raw;
  }
  options.serverNodeOptions = String(options.serverNodeOptions).split(/\s+/).filter(Boolean);
  if (!['websocket', 'long-polling'].includes(String(options.cometdTransport))) throw new UsageError('--cometd-transport: expected websocket or long-polling');
  if (!['embedded', 'cluster'].includes(String(options.mode))) throw new UsageError('--mode: expected embedded or cluster');
  if (!Number.isInteger(options.workers) || Number(options.workers) < 1 || Number(options.workers) > MAX_WORKERS)
    throw new UsageError(`--workers: expected a whole number from 1 to ${MAX_WORKERS}`);
  options.scenarios = scenarios(values.only, options.mode === 'cluster' ? CLUSTER_SCENARIOS : SCENARIOS);
  return options as unknown as Options;
}

/** The scenarios of `--only`, all of `allowed` without it. */
function scenarios(only: string | boolean | undefined, allowed: readonly Scenario[]): Scenario[] {
  if (typeof only !== 'string') return [...allowed];
  const picked = only.split(',').map((s) => s.trim());
  for (const s of picked)
    if (!(allowed as readonly string[]).includes(s)) throw new UsageError(`--only: unknown scenario "${s}" in this mode (${allowed.join(', ')})`);
  return allowed.filter((s) => picked.includes(s));
}

function number(flag: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new UsageError(`--${flag}: expected a number of at least 0, got "${raw}"`);
  return value;
}
