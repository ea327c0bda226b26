import { routingStoreContract } from '@ocs/testing';
import { CassandraRoutingStore } from './cassandra-routing-store';
import { anotherNode, withTestKeyspace } from './test/real-cassandra';

withTestKeyspace('CassandraRoutingStore on a real Cassandra', undefined, (cassandra) => {
  routingStoreContract('cassandra', async () => ({ store: new CassandraRoutingStore(cassandra()) }));

  it('lets exactly one of two nodes, each with its own connection, save from the revision both read', async () => {
    const other = await anotherNode(cassandra());
    try {
      const [one, two] = [new CassandraRoutingStore(cassandra()), new CassandraRoutingStore(other)];
      const tenant = `two-nodes-${Date.now()}`;
      expect(await one.save(tenant, { by: 'start' }, 0)).toBe(true);
      const read = [await one.load(tenant), await two.load(tenant)];
      expect(read.map((stored) => stored?.revision)).toEqual([1, 1]);
      const results = await Promise.all([one.save(tenant, { by: 'one' }, 1), two.save(tenant, { by: 'two' }, 1)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await two.load(tenant)).toEqual({ state: { by: results[0] ? 'one' : 'two' }, revision: 2 });
    } finally {
      await other.client.shutdown();
    }
  });

  it('refuses a revision that is not a whole number from 0 with a clear error, changing nothing', async () => {
    const store = new CassandraRoutingStore(cassandra());
    await expect(store.save('bad-revision', {}, -1)).rejects.toThrow('expected revision must be a whole number from 0, not -1');
    await expect(store.save('bad-revision', {}, 1.5)).rejects.toThrow('not 1.5');
    expect(await store.load('bad-revision')).toBeUndefined();
  });
});
