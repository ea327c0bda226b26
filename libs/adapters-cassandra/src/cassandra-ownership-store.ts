import type { Ownership, OwnershipStore } from '@ocs/ports';
import { types } from 'cassandra-driver';
import { statementOptions, type CassandraContext } from './cassandra-options';

/**
 * Ownership in the guide's `owner (id, ownership_start_time timeuuid, creatorid)` table, newest claim first by
 * its clustering order. A claim adds a row with a fresh time-based id and reads the newest row back, so nodes
 * racing for a session end with the one whose id is newest (node clocks must be NTP-synchronised, as the guide asks).
 */
export class CassandraOwnershipStore implements OwnershipStore {
  private readonly insert: string;
  private readonly select: string;
  private readonly delete: string;

  constructor(private readonly cassandra: CassandraContext) {
    const table = `${cassandra.keyspace}.owner`;
    this.insert = `INSERT INTO ${table} (id, ownership_start_time, creatorid) VALUES (?, ?, ?)`;
    this.select = `SELECT ownership_start_time, creatorid FROM ${table} WHERE id = ? LIMIT 1`;
    this.delete = `DELETE FROM ${table} WHERE id = ?`;
  }

  async claim(sessionId: string, nodeId: string): Promise<Ownership> {
    const { client, writeConsistency } = this.cassandra;
    await client.execute(this.insert, [sessionId, types.TimeUuid.now(), nodeId], statementOptions(writeConsistency));
    const owner = await this.owner(sessionId);
    if (owner === undefined) throw new Error(`Session ${sessionId} was removed while node ${nodeId} claimed it`);
    return owner;
  }

  async owner(sessionId: string): Promise<Ownership | undefined> {
    const { client, readConsistency } = this.cassandra;
    const row = (await client.execute(this.select, [sessionId], statementOptions(readConsistency))).first();
    if (!row) return undefined;
    const started: types.TimeUuid = row.get('ownership_start_time');
    return { nodeId: row.get('creatorid'), since: started.getDate().getTime() };
  }

  async remove(sessionId: string): Promise<void> {
    const { client, writeConsistency } = this.cassandra;
    await client.execute(this.delete, [sessionId], statementOptions(writeConsistency));
  }
}
