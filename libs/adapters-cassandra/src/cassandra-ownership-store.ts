import type { Ownership, OwnershipStore } from '@ocs/ports';
import { types } from 'cassandra-driver';
import { conditional, statementOptions, type CassandraContext } from './cassandra-options';

/**
 * Ownership as the static `owner` and `owner_since` columns of the session's partition of the guide's
 * `transcripts` table (`deploy/cassandra/session-fence.cql`): a claim is a lightweight transaction on the owner the
 * claimer saw, so of nodes racing for a session exactly one wins, and `CassandraTranscriptStore`'s fenced saves
 * check the same column in the same transaction. Each winning claim is also written to the guide's `owner (id,
 * ownership_start_time timeuuid, creatorid)` table, newest first, as the history of where the session was served.
 */
export class CassandraOwnershipStore implements OwnershipStore {
  private readonly compareAndSet: string;
  private readonly select: string;
  private readonly insertHistory: string;
  private readonly deleteOwner: string;
  private readonly deleteHistory: string;

  constructor(private readonly cassandra: CassandraContext) {
    const { keyspace } = cassandra;
    this.compareAndSet = `UPDATE ${keyspace}.transcripts SET owner = ?, owner_since = ? WHERE id = ? IF owner = ?`;
    this.select = `SELECT owner, owner_since FROM ${keyspace}.transcripts WHERE id = ? LIMIT 1`;
    this.insertHistory = `INSERT INTO ${keyspace}.owner (id, ownership_start_time, creatorid) VALUES (?, ?, ?)`;
    this.deleteOwner = `DELETE owner, owner_since FROM ${keyspace}.transcripts WHERE id = ?`;
    this.deleteHistory = `DELETE FROM ${keyspace}.owner WHERE id = ?`;
  }

  async claim(sessionId: string, nodeId: string, expected?: string): Promise<Ownership | undefined> {
    const { client, writeConsistency } = this.cassandra;
    const since = new Date();
    const result = await client.execute(this.compareAndSet, [nodeId, since, sessionId, expected ?? null], conditional(writeConsistency));
    if (!result.wasApplied()) return this.owner(sessionId);
    await client.execute(this.insertHistory, [sessionId, types.TimeUuid.fromDate(since), nodeId], statementOptions(writeConsistency));
    return { nodeId, since: since.getTime() };
  }

  async owner(sessionId: string): Promise<Ownership | undefined> {
    const { client, readConsistency } = this.cassandra;
    const row = (await client.execute(this.select, [sessionId], statementOptions(readConsistency))).first();
    const nodeId: string | null | undefined = row?.get('owner');
    if (!row || !nodeId) return undefined;
    const since: Date = row.get('owner_since');
    return { nodeId, since: since.getTime() };
  }

  async remove(sessionId: string): Promise<void> {
    const { client, writeConsistency } = this.cassandra;
    await client.execute(this.deleteOwner, [sessionId], statementOptions(writeConsistency));
    await client.execute(this.deleteHistory, [sessionId], statementOptions(writeConsistency));
  }
}
