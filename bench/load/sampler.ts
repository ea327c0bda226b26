import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Counters } from './protocol';

/** Clock ticks per second of /proc/<pid>/stat times. */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** CPU time (user + system, seconds) and resident memory (bytes) of a process, from /proc; undefined once it is gone. */
export function readProcess(pid: number): { cpuSeconds: number; rssBytes: number } | undefined {
  try {
    // Fields after the command name (which may hold spaces) start at field 3, state; utime and stime are 14 and 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    const rss = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpuSeconds, rssBytes: rss ? Number(rss[1]) * 1024 : 0 };
  } catch {
    return undefined;
  }
}

/** CPU time and resident memory of `pids` added up; undefined once one of them is gone. */
function readProcesses(pids: number[]): { cpuSeconds: number; rssBytes: number } | undefined {
  const sum = { cpuSeconds: 0, rssBytes: 0 };
  for (const pid of pids) {
    const one = readProcess(pid);
    if (!one) return undefined;
    sum.cpuSeconds += one.cpuSeconds;
    sum.rssBytes += one.rssBytes;
  }
  return sum;
}

/** Open file descriptors (sockets included) of a process: the product's are capped by `ulimit -n`. */
function openFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

/** Values of a Prometheus text exposition, by metric name (labels ignored: first value wins). */
export function parseMetrics(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{[^}]*\})? (\S+)/.exec(line);
    if (match && !values.has(match[1])) values.set(match[1], Number(match[2]));
  }
  return values;
}

/**
 * One second of a scenario: the server from outside, the load generator's CPU, and the workers' counters. The
 * server's CPU, RSS and file descriptors are those of all its processes (the cluster's engines and gateways) added up.
 */
export interface Sample {
  /** Seconds since the scenario started. */
  t: number;
  /** CPU of the server over the last interval, in cores (1 = one core busy). */
  serverCpu: number;
  serverRssMb: number;
  /** Event-loop delay of the process serving the metrics since the previous sample (prom-client's monitorEventLoopDelay), when served. */
  loopP99Ms?: number;
  loopMaxMs?: number;
  heapUsedMb?: number;
  /** Open file descriptors of the server (read with the metrics). */
  serverFds?: number;
  /** CPU of the load generator (its workers and the parent, which routes and samples), in cores. */
  loadCpu: number;
  counters: Counters;
}

const MB = 1024 * 1024;
/**
 * prom-client samples the event loop with a 10 ms timer, and each recorded value includes that interval (an idle loop
 * reads about 10 ms): it is taken off, so the figures are the delay beyond it.
 */
const LOOP_RESOLUTION_MS = 10;

/**
 * Samples a server's processes every second, from outside: CPU and RSS from /proc, and the CPU of the load generator.
 * Every `metricsEveryMs` it also reads event-loop delay and heap from the server's `/metrics` (prom-client's default
 * metrics, prefix `ocs_`): not every second, because producing them costs the server a walk over all its open file
 * descriptors and handles (tens of ms with thousands of connections), which would show up in the very delay measured.
 * The loop-delay histogram restarts at each read, so each value covers the whole interval since the previous one.
 */
export class Sampler {
  readonly samples: Sample[] = [];
  private readonly started = performance.now();
  private timer: NodeJS.Timeout | undefined;
  private last: { at: number; server: number; load: number } | undefined;
  private scraped = -Infinity;

  constructor(
    private readonly serverPids: number[],
    private readonly metricsUrl: string | undefined,
    private readonly metricsEveryMs: number,
    private readonly loadPids: () => number[],
    private readonly counters: () => Counters,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sample(), 1000);
    void this.sample();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Seconds since the sampler was made. */
  now(): number {
    return (performance.now() - this.started) / 1000;
  }

  /** Takes one sample now and returns it; `withMetrics` reads `/metrics` whatever the interval (memory before/after). */
  async sample(withMetrics = false): Promise<Sample | undefined> {
    const server = readProcesses(this.serverPids);
    if (!server) return undefined;
    const load = this.loadPids().reduce((sum, pid) => sum + (readProcess(pid)?.cpuSeconds ?? 0), 0);
    const at = performance.now();
    const previous = this.last ?? { at: at - 1, server: server.cpuSeconds, load };
    this.last = { at, server: server.cpuSeconds, load };
    const seconds = Math.max(0.001, (at - previous.at) / 1000);
    const metrics = withMetrics || at - this.scraped >= this.metricsEveryMs ? await this.metrics() : undefined;
    if (metrics) this.scraped = at;
    const sample: Sample = {
      t: Math.round(this.now() * 10) / 10,
      serverCpu: (server.cpuSeconds - previous.server) / seconds,
      serverRssMb: server.rssBytes / MB,
      loadCpu: Math.max(0, load - previous.load) / seconds,
      counters: this.counters(),
    };
    if (metrics) sample.serverFds = this.serverPids.reduce((sum, pid) => sum + openFds(pid), 0);
    if (metrics) {
      const lag = (name: string) => Math.max(0, (metrics.get(`ocs_nodejs_eventloop_lag_${name}_seconds`) ?? NaN) * 1000 - LOOP_RESOLUTION_MS);
      sample.loopP99Ms = lag('p99');
      sample.loopMaxMs = lag('max');
      sample.heapUsedMb = (metrics.get('ocs_nodejs_heap_size_used_bytes') ?? NaN) / MB;
    }
    this.samples.push(sample);
    return sample;
  }

  private async metrics(): Promise<Map<string, number> | undefined> {
    if (!this.metricsUrl) return undefined;
    try {
      // A saturated server answers late; the read may take most of the interval.
      const response = await fetch(this.metricsUrl, { signal: AbortSignal.timeout(Math.max(900, this.metricsEveryMs - 500)) });
      return parseMetrics(await response.text());
    } catch {
      return undefined;
    }
  }
}
