import type { SessionState } from '@ocs/chat-domain';
import { fencedTranscriptStoreContract, transcriptStoreContract } from '@ocs/testing';
import { CassandraOwnershipStore } from './cassandra-ownership-store';
import { CassandraTranscriptStore } from './cassandra-transcript-store';
import { withTestKeyspace } from './test/real-cassandra';

function state(id: string, nextEventId: number): SessionState {
  return { id, createdAt: 1_700_000_000_000, status: 'ALIVE', participants: [], transcript: [], userData: {}, nextEventId };
}

withTestKeyspace('CassandraTranscriptStore on a real Cassandra (tables without cleanup)', undefined, (cassandra) => {
  transcriptStoreContract('cassandra', async () => ({ store: new CassandraTranscriptStore(cassandra(), 'node-a') }));
  fencedTranscriptStoreContract('cassandra', async () => ({
    store: (nodeId) => new CassandraTranscriptStore(cassandra(), nodeId),
    ownership: new CassandraOwnershipStore(cassandra()),
  }));

  it('keeps the state as JSON in the row of the session and the saving node', async () => {
    await new CassandraTranscriptStore(cassandra(), 'node-a').save(state('S-row', 7));
    const { client, keyspace } = cassandra();
    const { rows } = await client.execute(`SELECT id, creatorid, transcript FROM ${keyspace}.transcripts WHERE id = ?`, ['S-row']);
    expect(rows.map((row) => [row.get('id'), row.get('creatorid'), JSON.parse(row.get('transcript'))])).toEqual([['S-row', 'node-a', state('S-row', 7)]]);
  });

  it('loads the latest save of a session restored on another node, whichever node reads, and removes the rows of both', async () => {
    const [nodeA, nodeB] = [new CassandraTranscriptStore(cassandra(), 'node-a'), new CassandraTranscriptStore(cassandra(), 'node-b')];
    await nodeB.save(state('S-moved', 3));
    await nodeA.save(state('S-moved', 4));
    expect(await nodeB.load('S-moved')).toEqual(state('S-moved', 4));
    await nodeB.save(state('S-moved', 5));
    expect(await nodeA.load('S-moved')).toEqual(state('S-moved', 5));
    expect(await nodeB.load('S-moved')).toEqual(state('S-moved', 5));
    await nodeA.remove('S-moved');
    expect(await nodeB.load('S-moved')).toBeUndefined();
  });
});
