import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Target } from './protocol';

/** The product's entry point and the repository root, from dist/bench/load. */
const MAIN = resolve(__dirname, '../../apps/all-in-one/src/main.js');
const ROOT = resolve(__dirname, '../../..');
const AGENT_TOKEN = 'bench-agent-token-0123456789';
/** Services of the bench configuration: active chats and async ones wait in queues of their own. */
export const CHAT_SERVICE = 'customer-support';
export const ASYNC_SERVICE = 'async-support';
export const CHAT_QUEUE = 'chat_inbound';
export const ASYNC_QUEUE = 'async_inbound';

/** A server the bench started as a child process. */
export interface ServerProcess {
  pid: number;
  target: Target;
  /** Stops it and waits until it has exited. */
  stop(): Promise<void>;
}

export interface Product extends ServerProcess {
  /** Base URL of the esp-gateway, with the router surface. */
  esp: string;
  /** Prometheus metrics of the process (of its least busy service, the push-notifier). */
  metrics: string;
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((done) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => done(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
  return ports;
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
 * in the log, an agent token, async chats in a queue of their own, and interactions stopped by the chat server when
 * their session closes (there is no workflow in the embedded mode to stop them).
 */
function productConfig(ports: number[], dataDir: string): Record<string, unknown> {
  const [webapi, esp, engine, reporting, push] = ports;
  return {
    server: { host: '127.0.0.1', 'webapi-port': webapi, 'esp-port': esp, 'engine-port': engine, 'reporting-port': reporting, 'push-port': push, 'data-dir': dataDir },
    log: { level: 'warn' },
    settings: { 'stop-abandoned-interaction': 'always' },
    services: { [CHAT_SERVICE]: '1:default', [ASYNC_SERVICE]: '1:async' },
    'endpoints:1': { default: CHAT_QUEUE, async: ASYNC_QUEUE },
    'agent-api': { tokens: [{ name: 'bench', secret: AGENT_TOKEN, 'user-types': ['AGENT'] }] },
  };
}

/**
 * Starts the embedded product (`node dist/apps/all-in-one/src/main.js --config …`) with `nodeOptions`, its output
 * appended to `logFile`, and resolves once it is ready. With `cpuProfDir` it writes a CPU profile there when stopped.
 */
export async function startProduct(nodeOptions: string[], logFile: string, cpuProfDir?: string): Promise<Product> {
  const ports = await freePorts(5);
  const dataDir = mkdtempSync(join(tmpdir(), 'ocs-bench-'));
  const configFile = join(dataDir, 'bench.json');
  writeFileSync(configFile, JSON.stringify(productConfig(ports, dataDir), null, 2));
  const profile = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, '--require', resolve(__dirname, 'exit-on-signal.js')] : [];
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...nodeOptions, ...profile, MAIN, '--config', configFile], { cwd: ROOT, stdio: ['ignore', log, log] });
  // A profiled product exits normally on SIGUSR2 (exit-on-signal.js), so that node writes the profile.
  const stop = stopper(child, 20_000, cpuProfDir ? 'SIGUSR2' : 'SIGTERM');
  const base = `http://127.0.0.1:${ports[0]}`;
  const product: Product = {
    pid: child.pid ?? 0,
    target: { http: base, ws: `ws://127.0.0.1:${ports[0]}/agent/ws`, agentToken: AGENT_TOKEN },
    esp: `http://127.0.0.1:${ports[1]}`,
    metrics: `http://127.0.0.1:${ports[4]}/metrics`,
    stop: async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + 30_000;
  while ((await fetch(`${base}/health/ready`).then((r) => r.ok).catch(() => false)) === false) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await product.stop();
      throw new Error(`the product did not start (exit code ${child.exitCode}); see ${logFile}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  return product;
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
    pid: child.pid ?? 0,
    target: { http: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}/`, agentToken: '' },
    stop: stopper(child, 5_000),
  };
}
