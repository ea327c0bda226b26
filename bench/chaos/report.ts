import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Happened } from './faults';
import type { Timeline } from './records';
import type { Fault } from './schedule';

export interface ChaosSummary {
  command: string;
  seed: number;
  chats: number;
  durationS: number;
  faults: Fault[];
  happened: Happened[];
  acknowledged: number;
  errors: Record<string, number>;
  /** Push notifications received, and their distinct ids (the rest are redeliveries). */
  pushes: number;
  pushIds: number;
  /** Chats routing handed to an agent. */
  routed: number;
  /** Chats closed by their script, and those whose statistics were attached once and right. */
  closed: number;
  statisticsAttached: number;
  violations: string[];
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Per second: the faults that happened, the errors clients saw (by status) and the latency of what succeeded. */
function perSecond(timeline: Timeline, happened: Happened[]): Array<{ s: number; faults: string; errors: string; n: number; p50: number; p99: number }> {
  const last = Math.max(0, ...timeline.latencies.keys(), ...timeline.errors.keys());
  return Array.from({ length: last + 1 }, (_, s) => {
    const sorted = [...(timeline.latencies.get(s) ?? [])].sort((a, b) => a - b);
    const errors = [...(timeline.errors.get(s) ?? new Map<string, number>())].map(([status, n]) => `${n}× ${status}`).join(', ');
    const faults = happened
      .filter((h) => timeline.second(h.at) === s)
      .map((h) => h.what)
      .join('; ');
    return { s, faults, errors, n: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
  });
}

/** The summary table docs/reliability.md keeps. */
export function summaryTable(summary: ChaosSummary): string {
  const count = (kind: string) => summary.faults.filter((f) => f.kind === kind).length;
  const errors = Object.entries(summary.errors)
    .map(([status, n]) => `${n}× ${status}`)
    .join(', ');
  return [
    '| Seed | Chats | Kills | Pauses | Drains | Server stops | Acknowledged messages | Errors clients saw (all retried) | Routed | Statistics attached | Pushes (ids) | Violations |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    `| ${summary.seed} | ${summary.chats} | ${count('kill')} | ${count('pause')} | ${count('drain')} | ${
      summary.faults
        .filter((f) => f.kind === 'server-stop')
        .map((f) => f.target)
        .join(', ') || 'none'
    } | ${summary.acknowledged} | ${errors || 'none'} | ${summary.routed} of ${summary.chats} | ${summary.statisticsAttached} of ${summary.closed} closed | ${
      summary.pushes
    } (${summary.pushIds}) | ${summary.violations.length} |`,
  ].join('\n');
}

/** Writes chaos-<seed>.json and chaos-<seed>.md into `dir`; returns the markdown's path. */
export function writeReport(dir: string, summary: ChaosSummary, timeline: Timeline): string {
  const seconds = perSecond(timeline, summary.happened);
  writeFileSync(join(dir, `chaos-${summary.seed}.json`), JSON.stringify({ ...summary, seconds }, null, 2));
  const md = [
    `# Chaos run, seed ${summary.seed}`,
    '',
    `\`${summary.command}\` — ${summary.durationS} s`,
    '',
    summaryTable(summary),
    '',
    summary.violations.length === 0 ? 'No violation.' : ['## Violations', '', ...summary.violations.map((v) => `- ${v}`)].join('\n'),
    '',
    '## Per second',
    '',
    '| s | Faults | Errors clients saw | Answered | p50 ms | p99 ms |',
    '|---|---|---|---|---|---|',
    ...seconds.map((r) => `| ${r.s} | ${r.faults} | ${r.errors} | ${r.n} | ${r.p50} | ${r.p99} |`),
    '',
  ].join('\n');
  const path = join(dir, `chaos-${summary.seed}.md`);
  writeFileSync(path, md);
  return path;
}
