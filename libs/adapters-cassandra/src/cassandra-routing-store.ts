import type { RoutingStore, StoredRouting } from '@ocs/ports';
import { types } from 'cassandra-driver';
import { conditional, statementOptions, type CassandraContext } from './cassandra-options';

/**
 * The built-in routing's state in our `routing_state` table (`deploy/cassandra/routing-tables.cql`), one row per
 * tenant: the state as JSON text and its revision. The first save is `INSERT ... IF NOT EXISTS`, each later one
 * `UPDATE ... IF revision = <the revision read>`, both lightweight transactions (serial consistency, the driver's
 * default, as the session fence's): of routers saving from the same revision exactly one is applied.
 */
export class CassandraRoutingStore implements RoutingStore {
  private readonly select: string;
  private readonly insert: string;
  private readonly update: string;

  constructor(private readonly cassandra: CassandraContext) {
    const table = `${cassandra.keyspace}.routing_state`;
    this.select = `SELECT state, revision FROM ${table} WHERE tenant = ?`;
    this.insert = `INSERT INTO ${table} (tenant, state, revision, saved_at) VALUES (?, ?, ?, ?) IF NOT EXISTS`;
    this.update = `UPDATE ${table} SET state = ?, revision = ?, saved_at = ? WHERE tenant = ? IF revision = ?`;
  }

  async load(tenant: string): Promise<StoredRouting | undefined> {
    const { client, readConsistency } = this.cassandra;
    const row = (await client.execute(this.select, [tenant], statementOptions(readConsistency))).first();
    if (!row) return undefined;
    const revision: types.Long = row.get('revision');
    return { state: JSON.parse(row.get('state')), revision: revision.toNumber() };
  }

  async save(tenant: string, state: unknown, expectedRevision: number): Promise<boolean> {
    if (!Number.isSafeInteger(expectedRevision) || expectedRevision < 0) {
      throw new RangeError(`A routing state's expected revision must be a whole number from 0, not ${expectedRevision}`);
    }
    const { client, writeConsistency } = this.cassandra;
    const json = JSON.stringify(state);
    const next = types.Long.fromNumber(expectedRevision + 1);
    const now = new Date();
    const result =
      expectedRevision === 0
        ? await client.execute(this.insert, [tenant, json, next, now], conditional(writeConsistency))
        : await client.execute(this.update, [json, next, now, tenant, types.Long.fromNumber(expectedRevision)], conditional(writeConsistency));
    return result.wasApplied();
  }
}
