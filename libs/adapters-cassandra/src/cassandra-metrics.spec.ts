import type { StoreMetrics } from '@ocs/ports';
import { connectCassandra } from './cassandra-options';
import { withTestKeyspace } from './test/real-cassandra';

withTestKeyspace('Cassandra statement metrics on a real Cassandra', undefined, (cassandra) => {
  it('tells the metrics of each statement: its time when it succeeds, a failure when it fails', async () => {
    const times: number[] = [];
    let failures = 0;
    const metrics: StoreMetrics = { query: (seconds) => void times.push(seconds), queryFailed: () => void (failures += 1) };
    const [host, port] = cassandra().client.hosts.keys()[0].split(':');
    const measured = await connectCassandra({ contactPoints: [host], port: Number(port), keyspace: cassandra().keyspace, metrics });
    try {
      const before = times.length;
      await measured.client.execute(`SELECT revision FROM ${measured.keyspace}.routing_state WHERE tenant = ?`, ['t'], { prepare: true });
      expect(times.length).toBeGreaterThan(before);
      expect(times.at(-1)).toBeGreaterThan(0);
      expect(times.at(-1)).toBeLessThan(10);
      await expect(measured.client.execute(`SELECT nothing FROM ${measured.keyspace}.no_such_table`)).rejects.toThrow();
      expect(failures).toBe(1);
    } finally {
      await measured.client.shutdown();
    }
  });
});
