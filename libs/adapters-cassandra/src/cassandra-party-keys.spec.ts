import { partyKeyIndexContract } from '@ocs/testing';
import { partyKeyDigest } from '@ocs/ports';
import { CassandraPartyKeys } from './cassandra-party-keys';
import { withTestKeyspace } from './test/real-cassandra';

withTestKeyspace('CassandraPartyKeys on a real Cassandra', undefined, (cassandra) => {
  partyKeyIndexContract('cassandra', async () => ({ index: new CassandraPartyKeys(cassandra()) }));

  it('stores the SHA-256 digest of a key, never the key itself', async () => {
    const secureKey = 'f00dfeedcafe0123456789abcdef0123';
    await new CassandraPartyKeys(cassandra()).record(secureKey, 'S-DIGEST');
    const { client, keyspace } = cassandra();
    const rows = (await client.execute(`SELECT key_digest, session_id FROM ${keyspace}.party_keys`)).rows.map((row) => [
      row.get('key_digest'),
      row.get('session_id'),
    ]);
    const stored = rows.filter(([, sessionId]) => sessionId === 'S-DIGEST');
    expect(stored).toEqual([[partyKeyDigest(secureKey), 'S-DIGEST']]);
    expect(partyKeyDigest(secureKey)).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(secureKey);
  });
});
