import { applySchema, connectCassandra } from '@ocs/adapters-cassandra';
import { loadConfig } from '@ocs/config';
import { EngineRpcServer } from '@ocs/engine-rpc';
import { bootstrapApp, createLogger, type BootstrappedApp } from '@ocs/observability';
import { CuttableProxy, TEST_CLUSTER_SECRETS, probeReadiness, scrapeMetric, until, untilReadiness } from '@ocs/testing';
import { Kafka, logLevel } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { SESSION_ENGINE_SERVICE, SessionEngineModule } from '@ocs/service-session-engine';
import { clusterAdapters, clusterReadiness, type ClusterParts } from './cluster-adapters';
import { wireSessionEngine } from './session-engine-parts';
import { sessionEngine } from './services/session-engine';
import { TOPICS } from '@ocs/contracts';

const needed = { cassandra: process.env.OCS_TEST_CASSANDRA, kafka: process.env.OCS_TEST_KAFKA_BROKERS, redis: process.env.OCS_TEST_REDIS };
const missing = Object.entries(needed)
  .filter(([, v]) => !v)
  .map(([k]) => k);
if (missing.length > 0 && (process.env.CI || process.env.OCS_REQUIRE_SERVICES)) {
  throw new Error(`the readiness tests need real servers: ${missing.join(', ')} not set (deploy/local/services.sh env)`);
}
const describeWithServers = missing.length > 0 ? describe.skip : describe;

const logger = createLogger({ service: 'test', level: 'silent' });

describeWithServers('session engine readiness in cluster mode (real Cassandra, Kafka, Redis)', () => {
  const keyspace = `ocs_test_${randomBytes(6).toString('hex')}`;
  const prefix = `${keyspace}.`;
  const [cassandraHost, cassandraPort] = (needed.cassandra ?? '').split(':');
  const redisUrl = new URL(needed.redis ?? 'redis://127.0.0.1:6379');
  const proxy = new CuttableProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
  const kafkaAdmin = new Kafka({ clientId: 'ocs-test-admin', brokers: (needed.kafka ?? '').split(','), logLevel: logLevel.NOTHING }).admin();
  let parts: ClusterParts | undefined;
  let app: BootstrappedApp | undefined;
  const clusterConfig = (nodeId: string, redis: string, redisPrefix: string, extra: Record<string, string> = {}) =>
    loadConfig({
      argv: [],
      env: {
        OCS__cluster__mode: 'cluster',
        ...TEST_CLUSTER_SECRETS,
        OCS__cluster__node_id: nodeId,
        OCS__cassandra__contact_points: cassandraHost,
        OCS__cassandra__port: cassandraPort,
        OCS__cassandra__keyspace: keyspace,
        OCS__cassandra__read_consistency: 'ONE',
        OCS__cassandra__write_consistency: 'ONE',
        OCS__kafka__brokers: needed.kafka ?? '',
        OCS__kafka__partitions: '1',
        OCS__kafka__name_prefix: prefix,
        OCS__redis__url: redis,
        OCS__redis__key_prefix: redisPrefix,
        ...extra,
      },
    });

  beforeAll(async () => {
    const admin = await connectCassandra({ contactPoints: [cassandraHost], port: Number(cassandraPort), keyspace });
    await applySchema(admin.client, { keyspace, replication: { class: 'SimpleStrategy', replication_factor: 1 } });
    await admin.client.shutdown();
    await Promise.all([proxy.start(), kafkaAdmin.connect()]);
  }, 60_000);

  afterAll(async () => {
    await app?.app.close();
    await parts?.close();
    await proxy.cut();
    const names = (await kafkaAdmin.listTopics()).filter((name) => name.startsWith(prefix));
    if (names.length > 0) await kafkaAdmin.deleteTopics({ topics: names });
    await kafkaAdmin.disconnect();
    const admin = await connectCassandra({ contactPoints: [cassandraHost], port: Number(cassandraPort), keyspace });
    await admin.client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    await admin.client.shutdown();
  }, 60_000);

  it('is ready while Cassandra, Kafka and Redis answer, 503 naming redis while Redis is unreachable, ready again once it is back', async () => {
    const config = clusterConfig('ready-node', `redis://127.0.0.1:${proxy.port}`, `${keyspace}:`);
    parts = await clusterAdapters(config, logger);
    const { engine, bridge } = wireSessionEngine(config, logger, parts.adapters, parts.wiring);
    app = await bootstrapApp(
      SessionEngineModule.forRoot(engine, [bridge], {
        heartbeat: { membership: parts.membership, nodeId: 'ready-node', url: 'http://127.0.0.1:1', intervalMs: 500, ttlMs: 5000 },
        storage: parts.cassandraHealth,
        readiness: parts.readiness,
        rpc: new EngineRpcServer({ engine, fanOut: parts.fanOut }),
        secret: TEST_CLUSTER_SECRETS['OCS__cluster__internal-secret'],
        close: async () => undefined,
      }),
      { service: SESSION_ENGINE_SERVICE, host: '127.0.0.1', port: 0, logger },
    );

    // The topics were created under the configured prefix, and only there.
    const topics = await kafkaAdmin.listTopics();
    expect(topics).toEqual(expect.arrayContaining(Object.values(TOPICS).map((topic) => prefix + topic)));

    expect(await probeReadiness(app.url)).toMatchObject({ status: 200, body: { status: 'ok', service: SESSION_ENGINE_SERVICE } });

    await proxy.cut();
    const down = await untilReadiness(app.url, 503, 'a 503 while Redis is unreachable', 20_000);
    expect(down.body).toEqual({ status: 'unavailable', service: SESSION_ENGINE_SERVICE, failing: ['redis'] });

    await proxy.restore();
    const up = await untilReadiness(app.url, 200, 'a 200 once Redis is back', 30_000);
    expect(up.body).toEqual({ status: 'ok', service: SESSION_ENGINE_SERVICE });
  }, 120_000);

  it('serves the cluster metrics of the session-engine service as it runs: Cassandra statements timed, alive engines counted', async () => {
    const config = clusterConfig('metrics-node', needed.redis ?? '', `${keyspace}-metrics:`, { OCS__server__host: '127.0.0.1', OCS__server__engine_port: '0' });
    const service = await bootstrapApp(await sessionEngine.module(config, logger), { service: SESSION_ENGINE_SERVICE, host: '127.0.0.1', port: 0, logger });
    try {
      await probeReadiness(service.url);
      expect(await scrapeMetric(service.url, 'ocs_cassandra_query_duration_seconds_count')).toBeGreaterThan(0);
      expect(
        await until(async () => (await scrapeMetric(service.url, 'ocs_engine_nodes_alive')) || undefined, 'the node alive in the membership', 10_000),
      ).toBe(1);
      expect(await scrapeMetric(service.url, 'ocs_sessions_created_total')).toBe(0);
    } finally {
      await service.app.close();
    }
  }, 120_000);

  it('checks cassandra with a query, kafka with a metadata request, redis with the membership', async () => {
    const calls: string[] = [];
    const checks = clusterReadiness({
      cassandra: { execute: async (query) => void calls.push(query) },
      bus: { reachable: async () => void calls.push('metadata') },
      membership: { alive: async () => (calls.push('alive'), []) },
    });
    expect(Object.keys(checks)).toEqual(['cassandra', 'kafka', 'redis']);
    expect(await Promise.all(Object.values(checks).map((check) => check()))).toEqual([true, true, true]);
    expect(calls).toEqual(['SELECT release_version FROM system.local', 'metadata', 'alive']);
    const failing = clusterReadiness({
      cassandra: { execute: () => Promise.reject(new Error('All host(s) tried for query failed')) },
      bus: { reachable: () => Promise.reject(new Error('Connection error')) },
      membership: { alive: () => Promise.reject(new Error('Connection is closed.')) },
    });
    for (const check of Object.values(failing)) await expect(check()).rejects.toThrow();
  });
});
