import { applySchema, connectCassandra, type CassandraContext } from '@ocs/adapters-cassandra';
import { AgentTestClient } from '@ocs/testing';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { TEST_CLUSTER_SECRETS } from '@ocs/testing';
import { AGENT_TOKEN } from './product';

const ROOT = resolve(__dirname, '../../../..');
const run = promisify(execFile);

export interface ServiceProcess {
  name: string;
  url: string;
  child: ChildProcess;
  output: string[];
}

/** Addresses of the real servers from deploy/local/services.sh, or undefined when they are not given. */
export function realServers(): { cassandra: string; kafka: string; redis: string } | undefined {
  const { OCS_TEST_CASSANDRA: cassandra, OCS_TEST_KAFKA_BROKERS: kafka, OCS_TEST_REDIS: redis } = process.env;
  if (cassandra && kafka && redis) return { cassandra, kafka, redis };
  if (process.env.CI || process.env.OCS_REQUIRE_SERVICES)
    throw new Error('the cluster test needs OCS_TEST_CASSANDRA, OCS_TEST_KAFKA_BROKERS and OCS_TEST_REDIS');
  return undefined;
}

/** A TCP port free on 127.0.0.1 now, for a process to listen on. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

/**
 * A cluster of separate OS processes (the built apps) on the real servers: a fresh keyspace and key prefix, so
 * runs do not see each other. Call `build()` first.
 */
export class TestCluster {
  readonly keyspace = `ocs_cluster_${randomBytes(5).toString('hex')}`;
  readonly processes: ServiceProcess[] = [];

  constructor(
    private readonly servers: { cassandra: string; kafka: string; redis: string },
    /** Options (`OCS__…`) every process of this cluster gets, beside and over the defaults below. */
    private readonly options: Record<string, string> = {},
  ) {}

  static async build(): Promise<void> {
    await run('npm', ['run', 'build'], { cwd: ROOT, timeout: 300_000 });
  }

  /** A connection to the cluster's keyspace on the real Cassandra. */
  async connect(): Promise<CassandraContext> {
    const [host, port] = this.servers.cassandra.split(':');
    return connectCassandra({ contactPoints: [host], port: Number(port), keyspace: this.keyspace });
  }

  async schema(): Promise<void> {
    const admin = await this.connect();
    await applySchema(admin.client, { keyspace: this.keyspace, replication: { class: 'SimpleStrategy', replication_factor: 1 } });
    await admin.client.shutdown();
  }

  async dropSchema(): Promise<void> {
    const admin = await this.connect();
    await admin.client.execute(`DROP KEYSPACE IF EXISTS ${this.keyspace}`);
    await admin.client.shutdown();
  }

  /** The environment of a process of this cluster: its options, with `extra` over them. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    const [host, port] = this.servers.cassandra.split(':');
    return {
      PATH: process.env.PATH ?? '',
      OCS__cluster__mode: 'cluster',
      ...TEST_CLUSTER_SECRETS,
      OCS__cluster__node_ttl: '2',
      OCS__cassandra__contact_points: host,
      OCS__cassandra__port: port,
      OCS__cassandra__keyspace: this.keyspace,
      OCS__cassandra__read_consistency: 'ONE',
      OCS__cassandra__write_consistency: 'ONE',
      OCS__kafka__brokers: this.servers.kafka,
      OCS__kafka__partitions: '3',
      OCS__kafka__session_timeout: '6',
      OCS__redis__url: this.servers.redis,
      OCS__redis__key_prefix: `${this.keyspace}:`,
      OCS__settings__transcript_auto_save: '1',
      OCS__settings__transcript_resend_attempts: '0',
      OCS__settings__session_restoration_mode: 'simple',
      // A workflow's ESP request restores a session of a dead node, as the cluster test's first request after the kill.
      OCS__settings__session_restore_extend_by: 'both',
      // These tests are about sessions outliving their nodes, not about who may join: agents join by session id.
      OCS__settings__session_password_enforce: 'false',
      OCS__log__level: 'warn',
      OCS__language_Spanish__language: 'es',
      OCS__agent_api__tokens: JSON.stringify([{ name: 'desk', secret: AGENT_TOKEN, 'user-types': ['AGENT', 'SUPERVISOR'] }]),
      // Agents join by session id as the workflows route them, unless a test asks for the built-in routing.
      OCS__routing__mode: 'manual',
      ...this.options,
      ...extra,
    };
  }

  /** A session-engine process; `extra` options beside the cluster's. */
  async engine(nodeId: string, extra: Record<string, string> = {}): Promise<ServiceProcess> {
    const port = await freePort();
    return this.start(`engine ${nodeId}`, 'apps/session-engine/src/main.js', port, {
      OCS__cluster__node_id: nodeId,
      OCS__server__engine_port: String(port),
      ...extra,
    });
  }

  async gateway(name: string): Promise<ServiceProcess> {
    const port = await freePort();
    return this.start(`gateway ${name}`, 'apps/webapi-gateway/src/main.js', port, { OCS__server__webapi_port: String(port) });
  }

  async esp(name: string): Promise<ServiceProcess> {
    const port = await freePort();
    return this.start(`esp ${name}`, 'apps/esp-gateway/src/main.js', port, { OCS__server__esp_port: String(port) });
  }

  /** A reporting-attacher process. */
  async attacher(name: string): Promise<ServiceProcess> {
    const port = await freePort();
    return this.start(`attacher ${name}`, 'apps/reporting-attacher/src/main.js', port, { OCS__server__reporting_port: String(port) });
  }

  /** A push-notifier process; `extra` options beside the cluster's. */
  async pushNotifier(name: string, extra: Record<string, string> = {}): Promise<ServiceProcess> {
    const port = await freePort();
    return this.start(`push-notifier ${name}`, 'apps/push-notifier/src/main.js', port, { OCS__server__push_port: String(port), ...extra });
  }

  private async start(name: string, main: string, port: number, extra: Record<string, string>): Promise<ServiceProcess> {
    const child = spawn(process.execPath, [resolve(ROOT, 'dist', main)], { env: this.env(extra), stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    const started: ServiceProcess = { name, url: `http://127.0.0.1:${port}`, child, output };
    this.processes.push(started);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${output.join('').slice(-2000)}`);
      const ready = await fetch(`${started.url}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) return started;
      if (Date.now() > deadline) throw new Error(`${name} not ready: ${output.join('').slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  kill(process: ServiceProcess): void {
    process.child.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.processes.map(
        (p) =>
          new Promise<void>((done) => {
            if (p.child.exitCode !== null || p.child.signalCode !== null) return done();
            p.child.once('exit', () => done());
            p.child.kill('SIGTERM');
            setTimeout(() => p.child.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
  }
}

/** A cluster test's fixture: its cluster, a connection to its keyspace, and the clients to close after the suite. */
export interface ClusterFixture {
  cluster: TestCluster;
  cassandra: CassandraContext;
  clients: Array<{ close(): Promise<unknown> }>;
}

/**
 * Sets up a cluster for the suite it is called in: builds the apps, creates the keyspace, runs `start` (the processes
 * the suite needs) and connects to the keyspace; after the suite, closes the clients, stops the processes and drops
 * the keyspace. The fixture's `cassandra` is there once `beforeAll` ran.
 */
export function clusterFixture(
  servers: { cassandra: string; kafka: string; redis: string } | undefined,
  options: Record<string, string>,
  start: (cluster: TestCluster) => Promise<void>,
): ClusterFixture {
  const fixture = { cluster: new TestCluster(servers ?? { cassandra: '', kafka: '', redis: '' }, options), clients: [] } as unknown as ClusterFixture;
  beforeAll(async () => {
    await TestCluster.build();
    await fixture.cluster.schema();
    await start(fixture.cluster);
    fixture.cassandra = await fixture.cluster.connect();
  }, 360_000);
  afterAll(async () => {
    for (const c of fixture.clients) await c.close().catch(() => undefined);
    await fixture.cluster.stop();
    await fixture.cassandra?.client.shutdown();
    await fixture.cluster.dropSchema();
  }, 120_000);
  return fixture;
}

/** An agent on `gateway`'s WebSocket API, registered and joined to `sessionId`; closed with the fixture's clients. */
export async function agentJoins(fixture: ClusterFixture, gateway: ServiceProcess, sessionId: string, nickname: string): Promise<AgentTestClient> {
  const agent = await AgentTestClient.connect(`${gateway.url.replace(/^http/, 'ws')}/agent/ws`);
  fixture.clients.push(agent);
  await agent.expect('registered', { type: 'register', token: AGENT_TOKEN, nickname, userType: 'AGENT' });
  await agent.expect('sessionInfo', { type: 'join', sessionId });
  return agent;
}
