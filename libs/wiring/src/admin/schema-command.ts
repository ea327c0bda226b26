import { applySchema, connectCassandra, KeyspaceMissingError, upgradeSchema, type Replication } from '@ocs/adapters-cassandra';
import type { ChatServerConfig } from '@ocs/config';
import type { Client } from 'cassandra-driver';
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
  return withCassandra(config, async (client) => {
    const existing = await client.execute('SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?', [keyspace]);
    if (existing.rowLength > 0) throw new AdminCommandError(`keyspace ${keyspace} exists already: nothing was changed`);
    await applySchema(client, { keyspace, replication });
    return { text: `created keyspace ${keyspace} (${JSON.stringify(replication)}) and its tables` };
  });
}

/**
 * `schema upgrade`: adds to the configuration's existing keyspace (this product's, or a Genesys Chat Server's) the
 * tables and columns of this release it lacks, touching nothing else; prints each statement it ran.
 */
export async function upgradeSchemaCommand(config: ChatServerConfig): Promise<AdminOutput> {
  const { keyspace } = config.cassandra;
  return withCassandra(config, async (client) => {
    let upgrade;
    try {
      upgrade = await upgradeSchema(client, { keyspace });
    } catch (error) {
      if (error instanceof KeyspaceMissingError) throw new AdminCommandError(`${error.message} (schema apply)`);
      throw error;
    }
    if (upgrade.applied.length === 0) return { text: `keyspace ${keyspace} has every table and column of this release: nothing was changed` };
    return { text: [`keyspace ${keyspace} upgraded:`, ...upgrade.applied.map((statement) => `  ${statement.split('\n')[0]}`)].join('\n') };
  });
}

async function withCassandra(config: ChatServerConfig, use: (client: Client) => Promise<AdminOutput>): Promise<AdminOutput> {
  const cassandra = await connectCassandra(cassandraOptionsFromConfig(config));
  try {
    return await use(cassandra.client);
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
