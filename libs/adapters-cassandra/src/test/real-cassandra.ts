import { randomBytes } from 'node:crypto';
import type { ArrayOrObject, Client, QueryOptions } from 'cassandra-driver';
import { connectCassandra, type CassandraContext } from '../cassandra-options';
import { applySchema, type SchemaOptions } from '../schema';

const VARIABLE = 'OCS_TEST_CASSANDRA';

/**
 * Runs `suite` against the real Cassandra at `OCS_TEST_CASSANDRA` (`host:port`, e.g. 127.0.0.1:19042), in a
 * keyspace of its own (random name, SimpleStrategy RF 1, created by `applySchema`, dropped afterwards). Without the
 * variable the suite is skipped, or fails under CI or OCS_REQUIRE_SERVICES.
 */
export function withTestKeyspace(title: string, ttlCleanup: SchemaOptions['ttlCleanup'], suite: (cassandra: () => CassandraContext) => void): void {
  const address = process.env[VARIABLE];
  if (!address) {
    if (process.env.CI || process.env.OCS_REQUIRE_SERVICES) {
      throw new Error(`${VARIABLE} is not set: the real-Cassandra tests need it (e.g. 127.0.0.1:19042 from deploy/local/services.sh env)`);
    }
    describe.skip(`${title}: real-server contract not run (${VARIABLE} not set)`, () => {
      it('needs a Cassandra server', () => undefined);
    });
    return;
  }
  describe(title, () => {
    let cassandra: CassandraContext | undefined;

    beforeAll(async () => {
      const [host, port] = address.split(':');
      cassandra = await connectCassandra({
        contactPoints: [host],
        port: port ? Number(port) : undefined,
        keyspace: `ocs_test_${randomBytes(6).toString('hex')}`,
      });
      await applySchema(cassandra.client, { keyspace: cassandra.keyspace, replication: { class: 'SimpleStrategy', replication_factor: 1 }, ttlCleanup });
    }, 60_000);

    afterAll(async () => {
      if (!cassandra) return;
      await cassandra.client.execute(`DROP KEYSPACE IF EXISTS ${cassandra.keyspace}`);
      await cassandra.client.shutdown();
    }, 60_000);

    suite(() => {
      if (!cassandra) throw new Error('Cassandra was not reached');
      return cassandra;
    });
  });
}

/** Another node's own connection to the same cluster and keyspace; shut it down with `client.shutdown()`. */
export async function anotherNode({ client, keyspace }: CassandraContext): Promise<CassandraContext> {
  const [host, port] = client.hosts.keys()[0].split(':');
  return connectCassandra({ contactPoints: [host], port: Number(port), keyspace });
}

/**
 * The nodes' connections, their statements that `held` picks held back until `count` of them wait: those
 * statements then race (say, the `IF NOT EXISTS` claims of nodes that all found no row before).
 */
export function racing(contexts: CassandraContext[], held: (query: string) => boolean, count: number): CassandraContext[] {
  let release: () => void = () => undefined;
  const allWaiting = new Promise<void>((resolve) => (release = resolve));
  let waiting = 0;
  return contexts.map((context) => {
    const client = Object.create(context.client) as Client;
    client.execute = (async (query: string, params?: ArrayOrObject, options?: QueryOptions) => {
      if (held(query)) {
        waiting += 1;
        if (waiting === count) release();
        await allWaiting;
      }
      return context.client.execute(query, params, options);
    }) as Client['execute'];
    return { ...context, client };
  });
}
