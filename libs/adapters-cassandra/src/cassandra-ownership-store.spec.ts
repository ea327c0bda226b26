import { ownershipStoreContract } from '@ocs/testing';
import { CassandraHealth } from './cassandra-health';
import { CassandraOwnershipStore } from './cassandra-ownership-store';
import { withTestKeyspace } from './test/real-cassandra';

const TWO_WEEKS = 1_209_600;

withTestKeyspace(
  'CassandraOwnershipStore on a real Cassandra (tables with the cleanup procedure)',
  { defaultTimeToLive: TWO_WEEKS, gcGraceSeconds: TWO_WEEKS },
  (cassandra) => {
    ownershipStoreContract('cassandra', async () => ({ store: new CassandraOwnershipStore(cassandra()) }));

    it('keeps every winning claim as a row of the owner table, newest first, the owner’s time being its time-based id', async () => {
      const store = new CassandraOwnershipStore(cassandra());
      await store.claim('S-rows', 'node-a');
      await store.claim('S-rows', 'node-b', 'node-a');
      await store.claim('S-rows', 'node-c', 'node-a');
      const latest = await store.claim('S-rows', 'node-a', 'node-b');
      const { client, keyspace } = cassandra();
      const { rows } = await client.execute(`SELECT creatorid, ownership_start_time, TTL(creatorid) AS ttl FROM ${keyspace}.owner WHERE id = ?`, ['S-rows']);
      expect(rows.map((row) => row.get('creatorid'))).toEqual(['node-a', 'node-b', 'node-a']);
      expect(rows[0].get('ownership_start_time').getDate().getTime()).toBe(latest?.since);
      expect(rows[0].get('ttl')).toBeGreaterThan(TWO_WEEKS - 60);
    });

    it('sees the cluster available once connected', () => {
      const health = new CassandraHealth(cassandra().client);
      expect(health.isAvailable()).toBe(true);
      health.close();
    });
  },
);
