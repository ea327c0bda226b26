import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePorts } from './free-ports';
import { MAX_WORKERS, routedQueue, routedService, type Target } from './protocol';
import { startPushReceiver, type PushReceiver } from './push-figures';

/** The built apps (the embedded product, the cluster's services) and the repository root, from dist/bench/load. */
const APPS = resolve(__dirname, '../../apps');
const ROOT = resolve(__dirname, '../../..');
export const AGENT_TOKEN = 'bench-agent-token-0123456789';
/**
 * Services of the bench configuration besides each worker's own routed one (`routedService`): chats of the chaos run
 * and async ones wait in queues of their own.
 */
export const CHAT_SERVICE = 'customer-support';
export const ASYNC_SERVICE = 'async-support';
export const CHAT_QUEUE = 'chat_inbound';
export const ASYNC_QUEUE = 'async_inbound';

/** A server the bench started as child processes. */
export interface ServerProcess {
  /** Its processes: the sampler adds up their CPU and memory. */
  pids: number[];
  /** Where the workers send their load: worker i to `targets[i % targets.length]`. */
  targets: Target[];
  /** Stops it and waits until it has exited. */
  stop(): Promise<void>;
}

export interface Product extends ServerProcess {
  /** Base URL of the esp-gateway with the router surface, open without a secret: the embedded mode only. */
  esp?: string;
  /** Prometheus metrics of one process (embedded: its least busy service, the push-notifier; cluster: an engine). */
  metrics: string;
  /** Cluster: the metrics of every session-engine node (their engine RPC counters). */
  engineMetrics?: string[];
  /** Embedded: the reporting attacher's metrics (its lag), the `[push]` receiver and the push-notifier's metrics. */
  reportingMetrics?: string;
  push?: { receiver: PushReceiver; metrics: string };
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
function stopper(child: ChildProcess, graceMs: number, signal: NodeJS.Signals = 'SIGTERM'): () => Promise<void> {
  const exited = new Promise<void>((done) => (child.exitCode !== null ? done() : child.once('exit', () => done())));
  return async () => {
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
}

/**
 * The bench configuration of the product: loopback ports of its own, data in a fresh temporary folder, warnings only
 * in the log, a CometD handshake limit per address far above the bench's ramp (all its customers share 127.0.0.1), a
 * sending rate per party far above the ceiling runs' closed loops (hundreds of messages per second per party), an
 * agent token, async chats in a queue of their own, and interactions stopped by the chat server when their session
 * closes (there is no workflow in the bench to stop them); `settings` adds to its settings.
 */
export function productConfig(ports: number[], dataDir: string, settings: Record<string, unknown> = {}, pushUrl?: string): Record<string, unknown> {
  const [webapi, esp, engine, reporting, push] = ports;
  return {
    server: {
      host: '127.0.0.1',
      'webapi-port': webapi,
      'esp-port': esp,
      'engine-port': engine,
      'reporting-port': reporting,
      'push-port': push,
      'data-dir': dataDir,
      'cometd-handshake-limit': 100_000_000,
    },
    log: { level: 'warn' },
    // Both limits are still checked on every request (so their cost is measured), never reached; every statistic attached;
    // REST customers may subscribe to push notifications at Request Chat.
    settings: {
      'stop-abandoned-interaction': 'always',
      'message-rate-limit': 100_000,
      'message-rate-interval': 1,
      'attach-session-statistics': 'all',
      'flex-push-on-join': true,
      ...settings,
    },
    services: { [CHAT_SERVICE]: '1:default', [ASYNC_SERVICE]: '1:async', ...workerEntries((i) => [routedService(i), `1:w${i}`]) },
    'endpoints:1': { default: CHAT_QUEUE, async: ASYNC_QUEUE, ...workerEntries((i) => [`w${i}`, routedQueue(i)]) },
    'agent-api': { tokens: [{ name: 'bench', secret: AGENT_TOKEN, 'user-types': ['AGENT'] }] },
    // Customers who subscribe at Request Chat are notified through the bench's own receiver.
    ...(pushUrl ? { push: { 'customhttp.url': pushUrl, pushEnabled: 'customhttp' } } : {}),
  };
}

/** An entry for each worker a run may have. */
function workerEntries(entry: (worker: number) => [string, string]): Record<string, string> {
  return Object.fromEntries(Array.from({ length: MAX_WORKERS }, (_, i) => entry(i)));
}

/** How the bench starts one process of the product. */
interface ServiceStart {
  /** Entry point under dist/apps. */
  main: string;
  nodeOptions: string[];
  configFile: string;
  /** Options of this process only (`OCS__<section>__<option>`). */
  env?: Record<string, string>;
  /** The port whose `/health/ready` tells that it is ready. */
  port: number;
  logFile: string;
  /** With a directory, node writes a CPU profile there when the process is stopped. */
  cpuProfDir?: string;
}

/** Starts one process of the product, its output appended to `logFile`; resolves once it is ready. */
export async function startService({
  main,
  nodeOptions,
  configFile,
  env = {},
  port,
  logFile,
  cpuProfDir,
}: ServiceStart): Promise<{ pid: number; stop(): Promise<void> }> {
  const profile = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, '--require', resolve(__dirname, 'exit-on-signal.js')] : [];
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...nodeOptions, ...profile, join(APPS, main), '--config', configFile], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
  });
  // A profiled process exits normally on SIGUSR2 (exit-on-signal.js), so that node writes the profile.
  const service = { pid: child.pid ?? 0, stop: stopper(child, 20_000, cpuProfDir ? 'SIGUSR2' : 'SIGTERM') };
  const deadline = Date.now() + 60_000;
  while (
    (await fetch(`http://127.0.0.1:${port}/health/ready`)
      .then((r) => r.ok)
      .catch(() => false)) === false
  ) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await service.stop();
      throw new Error(`${main} did not start (exit code ${child.exitCode}); see ${logFile}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  return service;
}

/** A fresh temporary folder with `config` written in it as bench.json. */
export function configFolder(config: (dataDir: string) => Record<string, unknown>): { dataDir: string; configFile: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'ocs-bench-'));
  const configFile = join(dataDir, 'bench.json');
  writeFileSync(configFile, JSON.stringify(config(dataDir), null, 2));
  return { dataDir, configFile };
}

/**
 * Starts the embedded product (`node dist/apps/all-in-one/src/main.js --config …`) with `nodeOptions`, its output
 * appended to `logFile`, and resolves once it is ready. With `cpuProfDir` it writes a CPU profile there when stopped.
 */
export async function startProduct(nodeOptions: string[], logFile: string, cpuProfDir?: string): Promise<Product> {
  const ports = await freePorts(5);
  const receiver = await startPushReceiver();
  const { dataDir, configFile } = configFolder((dir) => productConfig(ports, dir, {}, receiver.url));
  const removeData = () => (rmSync(dataDir, { recursive: true, force: true }), void receiver.close());
  const service = await startService({ main: 'all-in-one/src/main.js', nodeOptions, configFile, port: ports[0], logFile, cpuProfDir }).catch(
    (error: unknown) => {
      removeData();
      throw error;
    },
  );
  return {
    pids: [service.pid],
    targets: [{ http: `http://127.0.0.1:${ports[0]}`, ws: `ws://127.0.0.1:${ports[0]}/agent/ws`, agentToken: AGENT_TOKEN }],
    esp: `http://127.0.0.1:${ports[1]}`,
    metrics: `http://127.0.0.1:${ports[4]}/metrics`,
    reportingMetrics: `http://127.0.0.1:${ports[3]}/metrics`,
    push: { receiver, metrics: `http://127.0.0.1:${ports[4]}/metrics` },
    stop: async () => {
      await service.stop();
      removeData();
    },
  };
}

/** Starts a bare baseline server (bare-servers.js) and resolves once it listens. */
export async function startBare(kind: 'http' | 'ws', logFile: string): Promise<ServerProcess> {
  const log = openSync(logFile, 'a');
  const child = fork(resolve(__dirname, 'bare-servers.js'), [kind], { execArgv: [], stdio: ['ignore', log, log, 'ipc'] });
  const port = await new Promise<number>((done, fail) => {
    child.once('message', (m: { port: number }) => done(m.port));
    child.once('exit', (code) => fail(new Error(`bare ${kind} server exited (${code}); see ${logFile}`)));
  });
  return {
    pids: [child.pid ?? 0],
    targets: [{ http: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}/`, agentToken: '' }],
    stop: stopper(child, 5_000),
  };
}
