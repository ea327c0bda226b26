import { applySchema, connectCassandra, type Replication } from '@ocs/adapters-cassandra';
import type { ChatServerConfig } from '@ocs/config';
import { cassandraOptionsFromConfig } from '../config-to-options';
import { AdminCommandError, type AdminOutput } from './admin-output';

/**
 * `schema apply [--replication-factor <n> | --datacenters <dc>=<n>,…]`: creates the configuration's keyspace and
 * every table (the guide's scripts and ours, `deploy/cassandra`), as a session engine needs them. Fails, changing
 * nothing, when the keyspace exists.
 */
export async function applySchemaCommand(config: ChatServerConfig, factor: string | undefined, datacenters: string | undefined): Promise<AdminOutput> {
  const replication = replicationOf(factor, datacenters);
  const { keyspace } = config.cassandra;
  const cassandra = await connectCassandra(cassandraOptionsFromConfig(config));
  try {
    const existing = await cassandra.client.execute('SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?', [keyspace]);
    if (existing.rowLength > 0) throw new AdminCommandError(`keyspace ${keyspace} exists already: nothing was changed`);
    await applySchema(cassandra.client, { keyspace, replication });
    return { text: `created keyspace ${keyspace} (${JSON.stringify(replication)}) and its tables` };
  } finally {
    await cassandra.client.shutdown();
  }
}

function replicationOf(factor: string | undefined, datacenters: string | undefined): Replication {
  if (factor !== undefined && datacenters !== undefined) throw new AdminCommandError('give --replication-factor or --datacenters, not both');
  if (datacenters !== undefined) {
    const entries = datacenters.split(',').map((entry) => /^\s*([A-Za-z0-9_.-]+)=(\d{1,2})\s*$/.exec(entry));
    if (entries.some((m) => !m)) throw new AdminCommandError(`--datacenters expects <data center>=<replicas>,…, got ${JSON.stringify(datacenters)}`);
    return { class: 'NetworkTopologyStrategy', ...Object.fromEntries(entries.map((m) => [m?.[1] ?? '', Number(m?.[2])])) };
  }
  const n = factor ?? '1';
  if (!/^\d{1,2}$/.test(n) || Number(n) < 1) throw new AdminCommandError(`--replication-factor expects a whole number from 1, got ${JSON.stringify(n)}`);
  return { class: 'SimpleStrategy', replication_factor: Number(n) };
}
