import type { SessionState } from '@ocs/chat-domain';
import type { TranscriptStore } from '@ocs/ports';
import type { types } from 'cassandra-driver';
import { statementOptions, type CassandraContext } from './cassandra-options';

function writtenAt(row: types.Row): types.Long {
  return row.get('written');
}

/**
 * Session state in the guide's `transcripts (id, creatorid, transcript)` table: one row per session and node that
 * saved it (`creatorid` = this node's id), the state as JSON. A session restored on another node gets that node's
 * row beside the old one, so `load` answers the row written last; `remove` deletes the session's rows of every node.
 */
export class CassandraTranscriptStore implements TranscriptStore {
  private readonly insert: string;
  private readonly select: string;
  private readonly delete: string;

  constructor(
    private readonly cassandra: CassandraContext,
    private readonly nodeId: string,
  ) {
    const table = `${cassandra.keyspace}.transcripts`;
    this.insert = `INSERT INTO ${table} (id, creatorid, transcript) VALUES (?, ?, ?)`;
    this.select = `SELECT transcript, WRITETIME(transcript) AS written FROM ${table} WHERE id = ?`;
    this.delete = `DELETE FROM ${table} WHERE id = ?`;
  }

  async save(state: SessionState): Promise<void> {
    const { client, writeConsistency } = this.cassandra;
    await client.execute(this.insert, [state.id, this.nodeId, JSON.stringify(state)], statementOptions(writeConsistency));
  }

  async load(sessionId: string): Promise<SessionState | undefined> {
    const { client, readConsistency } = this.cassandra;
    const { rows } = await client.execute(this.select, [sessionId], statementOptions(readConsistency));
    const latest = rows.reduce<types.Row | undefined>((best, row) => (best === undefined || writtenAt(row).greaterThan(writtenAt(best)) ? row : best), undefined);
    return latest === undefined ? undefined : (JSON.parse(latest.get('transcript')) as SessionState);
  }

  async remove(sessionId: string): Promise<void> {
    const { client, writeConsistency } = this.cassandra;
    await client.execute(this.delete, [sessionId], statementOptions(writeConsistency));
  }
}
