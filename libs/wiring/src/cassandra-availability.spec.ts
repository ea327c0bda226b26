import { applySchema, connectCassandra } from '@ocs/adapters-cassandra';
import { loadConfig } from '@ocs/config';
import { createLogger } from '@ocs/observability';
import { TEST_CLUSTER_SECRETS, until } from '@ocs/testing';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { CASSANDRA_AVAILABLE, CASSANDRA_UNAVAILABLE, clusterAdapters, type ClusterParts } from './cluster-adapters';
import { wireSessionEngine } from './session-engine-parts';

const run = promisify(execFile);
const SERVICES = resolve(__dirname, '../../../deploy/local/services.sh');
const required = process.env.CI || process.env.OCS_REQUIRE_SERVICES;
const servers = process.env.OCS_TEST_KAFKA_BROKERS && process.env.OCS_TEST_REDIS;
if (!servers && required) throw new Error('the Cassandra availability test needs OCS_TEST_KAFKA_BROKERS and OCS_TEST_REDIS (deploy/local/services.sh env)');

/**
 * A Cassandra of this test's own (kept data), so stopping it disturbs no other test. Its ports sit 1,000 and 1,042
 * below the shared Cassandra's (19042 → 18042, 18000), out of the ephemeral range, where a load test's client
 * connections could hold them, and apart from another checkout's test servers on other ports.
 */
const sharedPort = Number((process.env.OCS_TEST_CASSANDRA ?? '127.0.0.1:19042').split(':').pop());
const own = {
  OCS_CASSANDRA_PORT: String(sharedPort - 1000),
  OCS_CASSANDRA_STORAGE_PORT: String(sharedPort - 1042),
  OCS_SERVICES_DIR: mkdtempSync(join(tmpdir(), 'ocs-availability-')),
  OCS_SERVICES_KEEP_DATA: '1',
};
const cassandra = (action: 'up' | 'down') => run('bash', [SERVICES, action, 'cassandra'], { env: { ...process.env, ...own }, timeout: 240_000 });

(servers ? describe : describe.skip)('Cassandra going away and coming back', () => {
  let parts: ClusterParts | undefined;

  afterAll(async () => {
    await parts?.close();
    await cassandra('down');
  }, 120_000);

  it('logs 59520 when Cassandra is lost and 59521 when it is back; the node reconnects by itself and saves again; transcript-save-on-error=close closes', async () => {
    await cassandra('up');
    const keyspace = 'ocs_availability';
    const admin = await connectCassandra({ contactPoints: ['127.0.0.1'], port: Number(own.OCS_CASSANDRA_PORT), keyspace });
    await applySchema(admin.client, { keyspace, replication: { class: 'SimpleStrategy', replication_factor: 1 } });
    await admin.client.shutdown();

    const lines: Array<{ logId?: number }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { logId?: number });
        done();
      },
    });
    const logger = createLogger({ service: 'availability-test', level: 'info' }, sink);
    const config = (extra: Record<string, string> = {}) =>
      loadConfig({
        argv: [],
        env: {
          ...extra,
          ...TEST_CLUSTER_SECRETS,
          OCS__cluster__node_id: 'availability-node',
          OCS__cassandra__port: own.OCS_CASSANDRA_PORT,
          OCS__cassandra__keyspace: keyspace,
          OCS__cassandra__read_consistency: 'ONE',
          OCS__cassandra__write_consistency: 'ONE',
          OCS__kafka__brokers: process.env.OCS_TEST_KAFKA_BROKERS ?? '',
          OCS__redis__url: process.env.OCS_TEST_REDIS ?? '',
          OCS__redis__key_prefix: 'ocs-availability:',
          OCS__settings__transcript_auto_save: '1',
          OCS__settings__transcript_resend_attempts: '0',
        },
      });
    parts = await clusterAdapters(config(), logger);
    const { engine } = wireSessionEngine(config(), logger, parts.adapters, parts.wiring);
    const { party } = await engine.createSession({ creator: { userType: 'CLIENT', nickname: 'Ann', protocol: 'FLEX', clientVersion: 106 } });
    // A second engine on the same node's adapters, which closes a session whose transcript cannot be saved.
    const closing = wireSessionEngine(config({ OCS__settings__transcript_save_on_error: 'close' }), logger, parts.adapters, parts.wiring).engine;
    const doomed = await closing.createSession({ creator: { userType: 'CLIENT', nickname: 'Bea', protocol: 'FLEX', clientVersion: 106 } });

    await cassandra('down');
    await until(async () => (lines.some((l) => l.logId === CASSANDRA_UNAVAILABLE) ? true : undefined), 'log id 59520', 60_000);
    expect(parts.cassandraHealth.isAvailable()).toBe(false);
    await expect(engine.message(party, { text: 'while Cassandra is away' })).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    await expect(closing.message(doomed.party, { text: 'while Cassandra is away' })).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    const closed = await closing.read(doomed.party, 0);
    expect(closed.closed).toBe(true);
    expect(closed.events.at(-1)?.event).toMatchObject({ kind: 'partyLeft', quitReasonCode: '5' });
    expect((await engine.read(party, 0)).closed).toBe(false);

    await cassandra('up');
    await until(async () => (lines.some((l) => l.logId === CASSANDRA_AVAILABLE) ? true : undefined), 'log id 59521', 60_000);
    expect(parts.cassandraHealth.isAvailable()).toBe(true);
    await until(
      async () =>
        engine.message(party, { text: 'Cassandra is back' }).then(
          () => true,
          () => undefined,
        ),
      'a save after the return',
      30_000,
    );
    expect((await parts.adapters.store.load(party.sessionId))?.transcript.at(-1)).toMatchObject({ text: 'Cassandra is back' });
  }, 240_000);
});
