/**
 * `npm run bench -- [--quick] [options]`: the load harness. Starts the embedded product (and the bare baselines) as
 * child processes, drives them from load-generator workers of their own, samples the server from outside, and writes
 * the results as JSON (bench/results/<time>.json) and as a markdown table on stdout. `--help` lists the options.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseOptions, USAGE, type Options, type Scenario } from './options';
import { markdown, verdict, type RunResults } from './report';
import { ceilings, type CeilingResult } from './ceilings';
import type { RunContext } from './harness';
import { asyncSessions, churn, reference, type ScenarioResult } from './scenarios';

const ROOT = resolve(__dirname, '../../..');

function progress(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

/** `ulimit -n` of this process, which the product and the workers inherit. */
function openFilesLimit(): number {
  const match = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  return match ? Number(match[1]) : NaN;
}

function options(): Options | undefined {
  try {
    const parsed = parseOptions(process.argv.slice(2));
    if (parsed !== 'help') return parsed;
    process.stdout.write(`${USAGE}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    process.exitCode = 2;
  }
  return undefined;
}

async function runScenario(ctx: RunContext, scenario: Scenario, results: { scenarios: ScenarioResult[]; ceilings: CeilingResult[] }): Promise<void> {
  if (scenario === 'ceilings') {
    results.ceilings = await ceilings(ctx);
    for (const c of results.ceilings) progress(`  ${c.work}: bare ${c.bare.rate} ${c.unit}, product ${c.product.rate} ${c.unit}, ratio ${c.ratio}`);
    return;
  }
  const result = scenario === 'async' ? await asyncSessions(ctx) : scenario === 'churn' ? await churn(ctx) : await reference(ctx, scenario);
  results.scenarios.push(result);
  const v = verdict(result);
  progress(
    `  held ${Math.round(result.steady.heldAvg)} avg, ${Math.round(result.steady.messagesPerSecond)} messages/s, ${result.clients.counters.errors} errors: ${v.status}${v.reasons.length ? ` (${v.reasons.join('; ')})` : ''}`,
  );
}

async function main(): Promise<void> {
  const o = options();
  if (!o) return;
  const started = new Date();
  const loadAtStart = loadavg()[0];
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  const out = resolve(ROOT, o.out);
  mkdirSync(out, { recursive: true });
  const ctx: RunContext = { options: o, logFile: join(out, `${stamp}.log`), profileDir: o.cpuProf ? join(out, `${stamp}-profiles`) : undefined, progress };
  progress(`${o.quick ? 'quick' : 'full'} run of ${o.scenarios.join(', ')}; product and worker output in ${ctx.logFile}`);
  const results: { scenarios: ScenarioResult[]; ceilings: CeilingResult[] } = { scenarios: [], ceilings: [] };
  for (const scenario of o.scenarios) {
    progress(`${scenario} …`);
    try {
      await runScenario(ctx, scenario, results);
    } catch (error) {
      process.exitCode = 1;
      progress(`${scenario} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
  const cpu = cpus();
  const run: RunResults = {
    startedAt: started.toISOString(),
    // The cluster mode runs on the servers deploy/local/with-services.sh starts and names.
    command: [
      o.mode === 'cluster' ? 'bash deploy/local/with-services.sh npm run bench' : 'npm run bench',
      ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : []),
    ].join(' '),
    machine: {
      cpu: cpu[0]?.model ?? 'unknown',
      cores: cpu.length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      os: `Linux ${release()}`,
      loadAverage: { start: loadAtStart, end: loadavg()[0] },
      openFilesLimit: openFilesLimit(),
    },
    options: o,
    ...results,
    durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
  };
  const file = join(out, `${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  process.stdout.write(markdown(run));
  progress(`results in ${file}${ctx.profileDir ? `, CPU profiles in ${ctx.profileDir}` : ''}`);
}

void main();
