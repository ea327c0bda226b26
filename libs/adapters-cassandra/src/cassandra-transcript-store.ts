import type { SessionState } from '@ocs/chat-domain';
import { OwnershipLostError, type TranscriptStore } from '@ocs/ports';
import type { types } from 'cassandra-driver';
import { conditional, statementOptions, type CassandraContext } from './cassandra-options';

function writtenAt(row: types.Row): types.Long {
  return row.get('written');
}

/**
 * Session state in the guide's `transcripts (id, creatorid, transcript)` table: one row per session and node that
 * saved it (`creatorid` = this node's id), the state as JSON. A session restored on another node gets that node's
 * row beside the old one, so `load` answers the row written last; `remove` deletes the session's rows of every node.
 * A save fenced by an owner is a lightweight transaction on the partition's static `owner` column, which
 * `CassandraOwnershipStore` claims.
 */
export class CassandraTranscriptStore implements TranscriptStore {
  private readonly insert: string;
  private readonly fencedUpdate: string;
  private readonly select: string;
  private readonly delete: string;

  constructor(
    private readonly cassandra: CassandraContext,
    private readonly nodeId: string,
  ) {
    const table = `${cassandra.keyspace}.transcripts`;
    this.insert = `INSERT INTO ${table} (id, creatorid, transcript) VALUES (?, ?, ?)`;
    // Writing the owner again renews its time to live (tables-ttl.cql) with the transcript's.
    this.fencedUpdate = `UPDATE ${table} SET transcript = ?, owner = ? WHERE id = ? AND creatorid = ? IF owner = ?`;
    this.select = `SELECT transcript, WRITETIME(transcript) AS written FROM ${table} WHERE id = ?`;
    this.delete = `DELETE FROM ${table} WHERE id = ?`;
  }

  async save(state: SessionState, owner?: string): Promise<void> {
    const { client, writeConsistency } = this.cassandra;
    const json = JSON.stringify(state);
    if (owner === undefined) {
      await client.execute(this.insert, [state.id, this.nodeId, json], statementOptions(writeConsistency));
      return;
    }
    const result = await client.execute(this.fencedUpdate, [json, owner, state.id, this.nodeId, owner], conditional(writeConsistency));
    if (!result.wasApplied()) throw new OwnershipLostError(state.id, owner, result.first()?.get('owner') ?? undefined);
  }

  async load(sessionId: string): Promise<SessionState | undefined> {
    const { client, readConsistency } = this.cassandra;
    const { rows } = await client.execute(this.select, [sessionId], statementOptions(readConsistency));
    // A partition claimed but never saved answers one row with its static owner and no transcript.
    const saved = rows.filter((row) => row.get('transcript') !== null);
    const latest = saved.reduce<types.Row | undefined>(
      (best, row) => (best === undefined || writtenAt(row).greaterThan(writtenAt(best)) ? row : best),
      undefined,
    );
    return latest === undefined ? undefined : (JSON.parse(latest.get('transcript')) as SessionState);
  }

  async remove(sessionId: string): Promise<void> {
    const { client, writeConsistency } = this.cassandra;
    await client.execute(this.delete, [sessionId], statementOptions(writeConsistency));
  }
}
