import { lagGrows } from './attach-lag';
import type { Options } from './options';
import type { RpcCost } from './rpc-cost';
import type { CeilingResult } from './ceilings';
import type { ScenarioResult } from './scenarios';

/** The targets of the benchmark issue, for this machine (2 cores, the load generator sharing them). */
export const TARGETS = {
  cometd: { sessions: 15_000, p99Ms: 100 },
  rest: { sessions: 10_000, p99Ms: 100 },
  async: { sessions: 200_000, bytesPerDormant: 4096 },
  churn: { perSecond: 300, seconds: 60 },
  /** Cluster mode, every message saved in Cassandra and published on Kafka: all-active sessions (either transport). */
  cluster: { sessions: 1_500, p99Ms: 250 },
  ratio: 0.5,
} as const;

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  /** 1-minute load average when the run started and when it ended: other work on the machine skews the figures. */
  loadAverage: { start: number; end: number };
  /** Open files a process may have (`ulimit -n`, inherited by the product and the workers): caps connections. */
  openFilesLimit: number;
}

export interface RunResults {
  startedAt: string;
  command: string;
  machine: Machine;
  options: Options;
  scenarios: ScenarioResult[];
  ceilings: CeilingResult[];
  durationSeconds: number;
}

export interface Verdict {
  target: string;
  /** `smaller run`: fewer sessions (or a shorter churn) than the target asks for, e.g. `--quick`. */
  status: 'met' | 'missed' | 'smaller run';
  reasons: string[];
}

const n = (value: number | undefined, digits = 0) =>
  value === undefined || !Number.isFinite(value) ? '–' : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Latency names checked against the p99 target, by scenario: REST's agent-to-customer latency is the poll interval. */
function checkedLatency(r: ScenarioResult): string[] {
  return r.scenario === 'rest' || r.scenario === 'churn' ? ['toAgent', 'request'] : ['toAgent', 'toCustomer'];
}

function lossOf(r: ScenarioResult): number {
  const a = r.clients.accounting;
  return a.lost + a.duplicated + a.reordered + a.unexpected;
}

/** Sessions and p99 latency the reference scenario must reach: the cluster's target, or the embedded one of its transport. */
function referenceTarget(r: ScenarioResult): { sessions: number; p99Ms: number } {
  return r.mode === 'cluster' ? TARGETS.cluster : r.scenario === 'rest' ? TARGETS.rest : TARGETS.cometd;
}

/** How a scenario fares against its target (the reasons list every miss, also in a smaller run). */
export function verdict(r: ScenarioResult): Verdict {
  const reasons: string[] = [];
  let smaller = false;
  const sessions = Number(r.parameters.sessions);
  const losses = lossOf(r);
  if (losses > 0) reasons.push(`${n(losses)} messages lost, duplicated, reordered or unexpected`);
  if (r.clients.counters.errors > 0) reasons.push(`${n(r.clients.counters.errors)} errors`);
  const p99Limit = referenceTarget(r).p99Ms;
  if (r.scenario !== 'churn')
    for (const name of checkedLatency(r)) {
      const p99 = r.clients.latency[name]?.p99;
      if (p99 !== undefined && p99 > p99Limit) reasons.push(`p99 ${name} ${n(p99, 1)} ms > ${p99Limit} ms`);
    }
  let target: string;
  if (r.scenario === 'cometd' || r.scenario === 'rest') {
    const goal = referenceTarget(r).sessions;
    target = `≥ ${n(goal)} sessions, p99 ≤ ${p99Limit} ms, no loss`;
    smaller = sessions < goal;
    if (r.steady.heldAvg < 0.95 * sessions) reasons.push(`held ${n(r.steady.heldAvg)} on average of ${n(sessions)} planned`);
  } else if (r.scenario === 'async') {
    target = `≥ ${n(TARGETS.async.sessions)} held, ≤ ${n(TARGETS.async.bytesPerDormant)} B RSS per dormant session`;
    smaller = sessions < TARGETS.async.sessions;
    const held = r.steady.heldMax;
    if (held < 0.95 * sessions) reasons.push(`held ${n(held)} of ${n(sessions)} planned`);
    const rss = r.dormant?.rssBytesPerSession;
    if (rss !== undefined && rss > TARGETS.async.bytesPerDormant) reasons.push(`${n(rss)} B RSS per dormant session`);
  } else {
    const { perSecond, seconds } = TARGETS.churn;
    target = `≥ ${perSecond} created and closed/s for ${seconds} s`;
    smaller = Number(r.parameters.sessionsPerSecond) < perSecond || Number(r.parameters.churnSeconds) < seconds;
    // Every session offered must be created and closed; the per-second rates are read over a window whose last second
    // follows the last session's start, hence the 5 % margin on them (the counts above have none).
    const offered = Number(r.parameters.sessionsPerSecond) * Number(r.parameters.churnSeconds);
    const { created, closed } = r.clients.counters;
    if (created < offered || closed < offered) reasons.push(`${n(created)} created and ${n(closed)} closed of ${n(offered)} offered`);
    if (r.attachLag && lagGrows(r.attachLag))
      reasons.push(`attacher lag grows: p99 ${n(r.attachLag.firstHalf.p99Ms, 1)} ms in the first half, ${n(r.attachLag.secondHalf.p99Ms, 1)} ms in the second`);
    const low = Math.min(r.steady.createdPerSecond, r.steady.closedPerSecond);
    if (low < 0.95 * Number(r.parameters.sessionsPerSecond)) reasons.push(`only ${n(low)}/s sustained of ${r.parameters.sessionsPerSecond}/s offered`);
  }
  return { target, status: smaller ? 'smaller run' : reasons.length > 0 ? 'missed' : 'met', reasons };
}

function verdictCell(v: Verdict): string {
  const head = v.status === 'met' ? '**met**' : v.status === 'missed' ? '**missed**' : 'smaller run';
  return v.reasons.length > 0 ? `${head}: ${v.reasons.join('; ')}` : head;
}

const LATENCY_NAMES: Record<string, string> = {
  toAgent: 'customer → agent',
  toCustomer: 'agent → customer',
  request: 'request round trip (REST request / CometD publish)',
  assignment: 'assignment (Request Chat sent → chat routed to an agent)',
};

/** The run as markdown: the scenarios against their targets, their latencies, the ceilings, errors and machine. */
export function markdown(run: RunResults): string {
  const lines: string[] = [];
  const { machine: m } = run;
  lines.push(`Run ${run.startedAt} (${run.options.quick ? 'quick' : 'full'} mode, ${n(run.durationSeconds)} s): \`${run.command}\``);
  lines.push(
    `Machine: ${m.cores} × ${m.cpu}, ${n(m.memoryGiB)} GiB, ${m.os}, Node.js ${m.node}, open files per process ${n(m.openFilesLimit)}; product and load generator share the cores.`,
  );
  lines.push(
    `Load average (1 min) at the start ${n(m.loadAverage.start, 2)}, at the end ${n(m.loadAverage.end, 2)}: anything above the bench's own load is other work on the machine.`,
  );
  if (run.scenarios.length > 0) {
    lines.push(
      '',
      '| Scenario | Target | Held (avg / peak) | Created/s | Closed/s | Messages/s | p99 ms (→agent / →customer) | Lost / dup / reord | Errors | Server CPU (cores) | Server RSS MB | Server fds | Loop delay p99 / max ms | Load-gen CPU | Verdict |',
    );
    lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const r of run.scenarios) {
      const s = r.steady;
      const a = r.clients.accounting;
      const v = verdict(r);
      lines.push(
        `| ${r.title} | ${v.target} | ${n(s.heldAvg)} / ${n(s.heldMax)} | ${n(s.createdPerSecond, 1)} | ${n(s.closedPerSecond, 1)} | ${n(s.messagesPerSecond, 1)} | ${n(r.clients.latency.toAgent?.p99, 1)} / ${n(r.clients.latency.toCustomer?.p99, 1)} | ${n(a.lost)} / ${n(a.duplicated)} / ${n(a.reordered)} | ${n(r.clients.counters.errors)} | ${n(s.serverCpuAvg, 2)} | ${n(s.serverRssMaxMb)} | ${n(s.serverFdsMax)} | ${n(s.loopP99MaxMs, 1)} / ${n(s.loopMaxMs, 1)} | ${n(s.loadCpuAvg, 2)} | ${verdictCell(v)} |`,
      );
    }
    lines.push(
      '',
      'Steady state only (after the ramp-up, before the ramp-down); latency over the whole run. Held: sessions between the request and the close. Server CPU, RSS and fds: all the product’s processes added up (cluster: engines and gateways; its loop delay: the first engine’s). CPU in cores (1.00 = one core busy); load-gen CPU: the workers and the parent (sampler). Loop delay: beyond the 10 ms sampling interval, peak of the intervals read. Server fds: peak open file descriptors (see the limit above).',
    );
    lines.push('', '| Scenario | Latency | Count | p50 ms | p95 ms | p99 ms | max ms |', '|---|---|---|---|---|---|---|');
    for (const r of run.scenarios)
      for (const [name, l] of Object.entries(r.clients.latency))
        lines.push(`| ${r.title} | ${LATENCY_NAMES[name] ?? name} | ${n(l.count)} | ${n(l.p50, 1)} | ${n(l.p95, 1)} | ${n(l.p99, 1)} | ${n(l.max, 1)} |`);
    if (run.scenarios.some((r) => r.scenario === 'rest' || r.scenario === 'churn'))
      lines.push(
        '',
        'REST customers learn of an agent message at their next refresh: agent → customer latency is bounded by the poll interval, so the REST target is judged on customer → agent and on the request round trip.',
      );
    for (const r of run.scenarios)
      if (r.attachLag) {
        const { whole, firstHalf, secondHalf } = r.attachLag;
        lines.push(
          '',
          `Reporting statistics (${r.title}): ${n(whole.count)} sessions' statistics attached; lag from close to attached p50 ${n(whole.p50Ms, 1)} ms, p99 ${n(whole.p99Ms, 1)} ms (first half of the run p50 ${n(firstHalf.p50Ms, 1)} / p99 ${n(firstHalf.p99Ms, 1)} ms over ${n(firstHalf.count)}, second half p50 ${n(secondHalf.p50Ms, 1)} / p99 ${n(secondHalf.p99Ms, 1)} ms over ${n(secondHalf.count)}; from the attacher's histogram, as precise as its buckets).`,
        );
      }
    for (const r of run.scenarios)
      if (r.push) {
        const p = r.push;
        lines.push(
          '',
          `Push notifications (${r.title}, a quarter of the customers subscribed at Request Chat): ${n(p.produced)} produced, ${n(p.delivered)} delivered, ${n(p.failed)} failed, ${n(p.received)} received by the local custom-http receiver; delivery latency from decided to accepted p50 ${n(p.p50Ms, 1)} ms, p99 ${n(p.p99Ms, 1)} ms (from the notifier's histogram, as precise as its buckets).`,
        );
      }
    for (const r of run.scenarios)
      if (r.dormant)
        lines.push(
          '',
          `Async: ${n(r.dormant.sessions)} dormant sessions created in ${n(r.dormant.creationSeconds, 1)} s; their interactions ${r.dormant.queuedAfterSeconds === undefined ? 'were not all queued by the end of the wait (the memory figures include what was still pending)' : `were all queued ${n(r.dormant.queuedAfterSeconds, 1)} s after the last was created`}; server RSS ${n(r.dormant.rssBytesPerSession)} B and JS heap ${n(r.dormant.heapBytesPerSession)} B per dormant session (target ≤ ${n(TARGETS.async.bytesPerDormant)} B).`,
        );
  }
  for (const r of run.scenarios)
    if (r.rpcCost) {
      const operations = Object.keys(r.rpcCost) as Array<keyof RpcCost>;
      lines.push(
        '',
        `Engine RPC calls per customer REST operation (${r.title}; one chat, one operation at a time, before the load; requestChat includes the interaction bridge's bind):`,
        '',
        `| ${operations.join(' | ')} |`,
        `|${operations.map(() => '---').join('|')}|`,
        `| ${operations.map((op) => n(r.rpcCost?.[op])).join(' | ')} |`,
      );
    }
  if (run.ceilings.length > 0) {
    lines.push(
      '',
      `| Same client work | Concurrency | Bare Node.js | Product | Ratio (target ≥ ${TARGETS.ratio}) | p99 ms bare / product | Server CPU bare / product |`,
      '|---|---|---|---|---|---|---|',
    );
    for (const c of run.ceilings)
      lines.push(
        `| ${c.title} | ${n(c.concurrency)} | ${n(c.bare.rate)} ${c.unit} | ${n(c.product.rate)} ${c.unit} | ${c.ratio >= TARGETS.ratio ? '**' : ''}${n(c.ratio, 2)}${c.ratio >= TARGETS.ratio ? '**' : ''} | ${n(c.bare.p99Ms, 1)} / ${n(c.product.p99Ms, 1)} | ${n(c.bare.serverCpu, 2)} / ${n(c.product.serverCpu, 2)} |`,
      );
  }
  const errors = run.scenarios.flatMap((r) => Object.entries(r.clients.errors).map(([what, count]) => `- ${r.title}: ${n(count)} × ${what}`));
  if (errors.length > 0) lines.push('', 'Errors:', ...errors.slice(0, 30));
  return `${lines.join('\n')}\n`;
}
