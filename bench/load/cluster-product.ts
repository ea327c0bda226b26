import { applySchema, connectCassandra, type CassandraContext } from '@ocs/adapters-cassandra';
import { Kafka, logLevel } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { freePorts } from './free-ports';
import { AGENT_TOKEN, configFolder, productConfig, startService, type Product } from './servers';

/** Session-engine nodes and webapi gateways of the cluster mode; its built-in routing runs in one esp-gateway. */
const CLUSTER_ENGINES = 3;
const CLUSTER_GATEWAYS = 2;

/** Addresses of the real Cassandra, Kafka and Redis, as deploy/local/with-services.sh exports them. */
export function realServers(): { cassandra: { host: string; port: number }; kafka: string; redis: string } {
  const { OCS_TEST_CASSANDRA: cassandra, OCS_TEST_KAFKA_BROKERS: kafka, OCS_TEST_REDIS: redis } = process.env;
  if (!cassandra || !kafka || !redis)
    throw new Error('the cluster mode needs OCS_TEST_CASSANDRA, OCS_TEST_KAFKA_BROKERS and OCS_TEST_REDIS: run it through deploy/local/with-services.sh');
  const [host, port] = cassandra.split(':');
  return { cassandra: { host, port: Number(port) }, kafka, redis };
}

/** Runs `work` with a Cassandra client of its own (for the bench keyspace, which it may create or drop). */
export async function cassandraAdmin(
  at: { host: string; port: number },
  keyspace: string,
  work: (client: CassandraContext['client']) => Promise<unknown>,
): Promise<void> {
  const admin = await connectCassandra({ contactPoints: [at.host], port: at.port, keyspace });
  try {
    await work(admin.client);
  } finally {
    await admin.client.shutdown();
  }
}

/** Deletes the Kafka topics and consumer groups whose names start with `prefix` (a bench run's own). */
export async function deleteKafkaNames(brokers: string, prefix: string): Promise<void> {
  const admin = new Kafka({ clientId: 'ocs-bench-admin', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => id.startsWith(prefix));
    // Best effort: a group whose member was killed is not empty until its session times out; its offsets expire anyway.
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    const topics = (await admin.listTopics()).filter((name) => name.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Starts the product in cluster mode on the real Cassandra, Kafka and Redis: a fresh keyspace (dropped again when
 * stopped), Redis key prefix and Kafka name prefix (`<keyspace>.`: topics and consumer groups of its own, deleted
 * again when stopped, so no record of an earlier run or another cluster reaches it), then 3 session-engine nodes
 * (one after the other: the first creates the Kafka topics), 2 webapi gateways and an esp-gateway, where the built-in
 * routing runs, each a process of its own with the bench configuration, every change saved in Cassandra before it is
 * acknowledged (`transcript-auto-save=1`), sessions restored from it on another node (`session-restoration-mode=simple`),
 * consistency ONE (a single Cassandra node). Worker i has its customers on gateway i % 2 and its agents on the other
 * one, so every message crosses gateways (through Redis).
 */
export async function startCluster(nodeOptions: string[], logFile: string, cpuProfDir?: string): Promise<Product> {
  const servers = realServers();
  const keyspace = `ocs_bench_${randomBytes(4).toString('hex')}`;
  const kafkaPrefix = `${keyspace}.`;
  await cassandraAdmin(servers.cassandra, keyspace, (client) =>
    applySchema(client, { keyspace, replication: { class: 'SimpleStrategy', replication_factor: 1 } }),
  );
  const { dataDir, configFile } = configFolder((dir) => {
    const embedded = productConfig([0, 0, 0, 0, 0], dir, { 'transcript-auto-save': 1, 'session-restoration-mode': 'simple' });
    return {
      ...embedded,
      server: { ...(embedded.server as object), 'esp-secret': randomBytes(24).toString('hex') },
      cluster: { mode: 'cluster', 'internal-secret': randomBytes(24).toString('hex') },
      cassandra: { 'contact-points': servers.cassandra.host, port: servers.cassandra.port, keyspace, 'read-consistency': 'ONE', 'write-consistency': 'ONE' },
      kafka: { brokers: servers.kafka, 'name-prefix': kafkaPrefix },
      redis: { url: servers.redis, 'key-prefix': `${keyspace}:` },
    };
  });
  const started: Array<{ pid: number; stop(): Promise<void> }> = [];
  const stop = async () => {
    await Promise.all(started.map((s) => s.stop()));
    rmSync(dataDir, { recursive: true, force: true });
    await cassandraAdmin(servers.cassandra, keyspace, (client) => client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`));
    await deleteKafkaNames(servers.kafka, kafkaPrefix);
  };
  const [engines, gateways, [esp]] = [await freePorts(CLUSTER_ENGINES), await freePorts(CLUSTER_GATEWAYS), await freePorts(1)];
  const service = async (main: string, port: number, env: Record<string, string>) => {
    started.push(await startService({ main, nodeOptions, configFile, env, port, logFile, cpuProfDir }));
  };
  try {
    for (const [i, port] of engines.entries())
      await service('session-engine/src/main.js', port, { 'OCS__cluster__node-id': `bench-e${i + 1}`, 'OCS__server__engine-port': String(port) });
    await Promise.all([
      ...gateways.map((port) => service('webapi-gateway/src/main.js', port, { 'OCS__server__webapi-port': String(port) })),
      service('esp-gateway/src/main.js', esp, { 'OCS__server__esp-port': String(esp) }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  const gateway = (i: number) => `127.0.0.1:${gateways[i % CLUSTER_GATEWAYS]}`;
  return {
    pids: started.map((s) => s.pid),
    targets: gateways.map((_, i) => ({ http: `http://${gateway(i)}`, ws: `ws://${gateway(i + 1)}/agent/ws`, agentToken: AGENT_TOKEN })),
    metrics: `http://127.0.0.1:${engines[0]}/metrics`,
    engineMetrics: engines.map((port) => `http://127.0.0.1:${port}/metrics`),
    stop,
  };
}
