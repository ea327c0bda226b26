import { partyKeyDigest, type PartyKeyIndex } from '@ocs/ports';
import { statementOptions, type CassandraContext } from './cassandra-options';

/**
 * The session of each party's secure key in our `party_keys` table (`deploy/cassandra/party-keys.cql`, or
 * `party-keys-ttl.cql` beside the guide's cleanup procedure), keyed by the key's SHA-256 digest: the key itself is
 * never written. A key belongs to one party of one session for good, so a write is a plain idempotent upsert.
 */
export class CassandraPartyKeys implements PartyKeyIndex {
  private readonly insert: string;
  private readonly select: string;

  constructor(private readonly cassandra: CassandraContext) {
    const table = `${cassandra.keyspace}.party_keys`;
    this.insert = `INSERT INTO ${table} (key_digest, session_id) VALUES (?, ?)`;
    this.select = `SELECT session_id FROM ${table} WHERE key_digest = ?`;
  }

  async record(secureKey: string, sessionId: string): Promise<void> {
    const { client, writeConsistency } = this.cassandra;
    await client.execute(this.insert, [partyKeyDigest(secureKey), sessionId], statementOptions(writeConsistency));
  }

  async sessionOf(secureKey: string): Promise<string | undefined> {
    const { client, readConsistency } = this.cassandra;
    const row = (await client.execute(this.select, [partyKeyDigest(secureKey)], statementOptions(readConsistency))).first();
    return row?.get('session_id') ?? undefined;
  }
}
