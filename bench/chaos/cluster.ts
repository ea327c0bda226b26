import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { applySchema } from '@ocs/adapters-cassandra';
import { ASYNC_QUEUE, ASYNC_SERVICE, CHAT_QUEUE, CHAT_SERVICE, configFolder, productConfig, startService } from '../load/servers';
import { cassandraAdmin, deleteKafkaNames, realServers } from '../load/cluster-product';
import { freePorts } from '../load/free-ports';

const run = promisify(execFile);
/** Built (dist/bench/chaos), or run from the sources by jest (bench/chaos): the apps are always the built ones. */
const BUILT = __dirname.split(/[\\/]/).includes('dist');
const ROOT = resolve(__dirname, BUILT ? '../../..' : '../..');
const SERVICES_SH = resolve(ROOT, 'deploy/local/services.sh');
/** `startService` takes mains under dist/apps (relative to the apps folder next to the code it runs from). */
const MAIN_PREFIX = BUILT ? '' : '../dist/apps/';

/**
 * The product processes of the chaos cluster: name → app and the option of its port. The built-in routing runs in
 * each esp-gateway, so two of them are its two replicas; the fault schedule picks from the whole list.
 */
export const PRODUCT: Array<{ name: string; main: string; portOption: string; kind: 'engine' | 'gateway' | 'esp' | 'push' | 'reporting' }> = [
  { name: 'e1', main: 'session-engine/src/main.js', portOption: 'engine-port', kind: 'engine' },
  { name: 'e2', main: 'session-engine/src/main.js', portOption: 'engine-port', kind: 'engine' },
  { name: 'e3', main: 'session-engine/src/main.js', portOption: 'engine-port', kind: 'engine' },
  { name: 'g1', main: 'webapi-gateway/src/main.js', portOption: 'webapi-port', kind: 'gateway' },
  { name: 'g2', main: 'webapi-gateway/src/main.js', portOption: 'webapi-port', kind: 'gateway' },
  { name: 'x1', main: 'esp-gateway/src/main.js', portOption: 'esp-port', kind: 'esp' },
  { name: 'x2', main: 'esp-gateway/src/main.js', portOption: 'esp-port', kind: 'esp' },
  { name: 'a1', main: 'reporting-attacher/src/main.js', portOption: 'reporting-port', kind: 'reporting' },
  { name: 'p1', main: 'push-notifier/src/main.js', portOption: 'push-port', kind: 'push' },
];

/** Membership: a heartbeat a second, a node gone after 2 s without one. */
export const NODE_TTL_MS = 2_000;
/**
 * An offer not answered in this time goes to the next agent: one told to an agent whose gateway was just killed is
 * not waited for long.
 */
const OFFER_TIMEOUT_S = 5;

interface Running {
  name: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/**
 * The product in cluster mode on the real servers, each process on a port of its own that it keeps across
 * restarts (as behind a load balancer): a fresh keyspace, Kafka name prefix and Redis key prefix, removed at `stop`.
 */
export class ChaosCluster {
  readonly keyspace = `ocs_chaos_${randomBytes(4).toString('hex')}`;
  readonly espSecret = randomBytes(24).toString('hex');
  readonly internalSecret = randomBytes(24).toString('hex');
  readonly servers = realServers();
  private readonly running = new Map<string, Running>();
  private ports = new Map<string, number>();
  private configFile = '';
  private dataDir = '';

  constructor(
    private readonly logFile: string,
    private readonly pushUrl: string,
  ) {}

  url(name: string): string {
    return `http://127.0.0.1:${this.ports.get(name)}`;
  }

  names(kind?: string): string[] {
    return PRODUCT.filter((p) => !kind || p.kind === kind).map((p) => p.name);
  }

  async start(): Promise<void> {
    await cassandraAdmin(this.servers.cassandra, this.keyspace, (client) =>
      applySchema(client, { keyspace: this.keyspace, replication: { class: 'SimpleStrategy', replication_factor: 1 } }),
    );
    const folder = configFolder((dir) => {
      const embedded = productConfig([0, 0, 0, 0, 0], dir, {
        'transcript-auto-save': 1,
        'transcript-resend-attempts': 0,
        'session-restoration-mode': 'simple',
        'session-restore-extend-by': 'both',
        'session-password-enforce': false,
        'flex-push-on-join': true,
      });
      return {
        ...embedded,
        server: { ...(embedded.server as object), 'esp-secret': this.espSecret },
        cluster: { mode: 'cluster', 'internal-secret': this.internalSecret, 'node-ttl': NODE_TTL_MS / 1000, 'heartbeat-interval': 1 },
        cassandra: {
          'contact-points': this.servers.cassandra.host,
          port: this.servers.cassandra.port,
          keyspace: this.keyspace,
          'read-consistency': 'ONE',
          'write-consistency': 'ONE',
        },
        kafka: { brokers: this.servers.kafka, 'name-prefix': `${this.keyspace}.`, partitions: 3, 'session-timeout': 6 },
        redis: { url: this.servers.redis, 'key-prefix': `${this.keyspace}:` },
        push: { pushEnabled: 'customhttp', 'customhttp.url': this.pushUrl },
        // The built-in routing offers every chat of both queues to the agents (see agents.ts).
        routing: { mode: 'builtin' },
        [`queue:${CHAT_QUEUE}`]: { 'offer-timeout': OFFER_TIMEOUT_S },
        [`queue:${ASYNC_QUEUE}`]: { 'offer-timeout': OFFER_TIMEOUT_S },
      };
    });
    [this.configFile, this.dataDir] = [folder.configFile, folder.dataDir];
    const ports = await freePorts(PRODUCT.length);
    this.ports = new Map(PRODUCT.map((p, i) => [p.name, ports[i]]));
    // Engines one after the other (the first creates the Kafka topics), then the rest together.
    for (const name of this.names('engine')) await this.launch(name);
    await Promise.all(PRODUCT.filter((p) => p.kind !== 'engine').map((p) => this.launch(p.name)));
  }

  /** Starts (or starts again) `name` on its port. */
  async launch(name: string): Promise<void> {
    const spec = PRODUCT.find((p) => p.name === name);
    if (!spec) throw new Error(`no product process ${name}`);
    const port = this.ports.get(name) ?? 0;
    const env: Record<string, string> = { [`OCS__server__${spec.portOption}`]: String(port) };
    if (spec.kind === 'engine') env['OCS__cluster__node-id'] = `chaos-${name}`;
    const service = await startService({ main: `${MAIN_PREFIX}${spec.main}`, nodeOptions: [], configFile: this.configFile, env, port, logFile: this.logFile });
    this.running.set(name, { name, port, ...service });
  }

  pid(name: string): number {
    return this.running.get(name)?.pid ?? 0;
  }

  /** SIGKILL, waiting until it is gone. */
  async kill(name: string): Promise<void> {
    const process_ = this.running.get(name);
    if (!process_) return;
    process.kill(process_.pid, 'SIGKILL');
    await process_.stop();
    this.running.delete(name);
  }

  signal(name: string, signal: 'SIGSTOP' | 'SIGCONT'): void {
    process.kill(this.pid(name), signal);
  }

  /** Drains `name` (SIGTERM: it finishes what it serves and exits) and starts its replacement on the same port. */
  async drain(name: string): Promise<void> {
    await this.running.get(name)?.stop();
    this.running.delete(name);
    await this.launch(name);
  }

  /** Stops one of the real servers and starts it again (keeping its data) after `forMs`. */
  static async serverDown(server: string, forMs: number): Promise<void> {
    await run('bash', [SERVICES_SH, 'down', server], { timeout: 60_000 });
    await new Promise((done) => setTimeout(done, forMs));
    await run('bash', [SERVICES_SH, 'up', server], { timeout: 300_000, env: { ...process.env, OCS_SERVICES_KEEP_DATA: '1' } });
  }

  async stop(): Promise<void> {
    await Promise.all([...this.running.values()].map((p) => p.stop()));
    this.running.clear();
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
    await cassandraAdmin(this.servers.cassandra, this.keyspace, (client) => client.execute(`DROP KEYSPACE IF EXISTS ${this.keyspace}`)).catch(() => undefined);
    await deleteKafkaNames(this.servers.kafka, `${this.keyspace}.`).catch(() => undefined);
  }
}

export { ASYNC_SERVICE, CHAT_SERVICE };
