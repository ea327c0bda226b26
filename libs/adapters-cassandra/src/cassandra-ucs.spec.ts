import type { InteractionRecord } from '@ocs/ports';
import { ucsContract } from '@ocs/testing';
import type { CassandraContext } from './cassandra-options';
import { CassandraUcs } from './cassandra-ucs';
import { anotherNode, racing, withTestKeyspace } from './test/real-cassandra';

/** Claims of an EmailAddress: held back until all wait, every identification has missed it and written its contact. */
const emailClaim = (query: string) => query.includes('ucs_contact_emails') && query.includes('IF NOT EXISTS');

const UCS_TABLES = ['ucs_contacts', 'ucs_contact_emails', 'ucs_interactions', 'ucs_documents'];

/** Empties the UCS tables, so each contract test starts from an empty UCS as it does with the other adapters. */
async function emptyUcs({ client, keyspace }: CassandraContext): Promise<void> {
  for (const table of UCS_TABLES) await client.execute(`TRUNCATE ${keyspace}.${table}`);
}

function record(interactionId: string): InteractionRecord {
  return {
    interactionId,
    tenantDbid: 1,
    sessionId: `S-${interactionId}`,
    contactId: '0001ABCDEF012345',
    startedAt: 1_700_000_000_000,
    userData: { Subject: 'Billing' },
  };
}

withTestKeyspace('CassandraUcs on a real Cassandra', undefined, (cassandra) => {
  ucsContract('cassandra', async () => {
    await emptyUcs(cassandra());
    return { ucs: new CassandraUcs(cassandra()) };
  });

  describe('across nodes', () => {
    let other: CassandraContext;
    beforeAll(async () => (other = await anotherNode(cassandra())));
    afterAll(() => other.client.shutdown());

    it('ends concurrent identifications of a new EmailAddress on two nodes with one contact, and no other contact row', async () => {
      const count = 8;
      const nodes = racing([cassandra(), other], emailClaim, count).map((context) => new CassandraUcs(context));
      const rae = { EmailAddress: 'rae@example.com', FirstName: 'Rae' };
      const matches = await Promise.all(Array.from({ length: count }, (_, i) => nodes[i % 2].identifyContact(1, rae)));
      const created = matches.filter((match) => match.created);
      expect(created).toHaveLength(1);
      const { contactId } = created[0];
      expect(matches.map((match) => match.contactId)).toEqual(Array(count).fill(contactId));
      expect(matches.map((match) => match.attributes)).toEqual(Array(count).fill({ ...rae, ContactID: contactId }));
      const { client, keyspace } = cassandra();
      const { rows } = await client.execute(`SELECT contact_id, attributes FROM ${keyspace}.ucs_contacts`);
      expect(rows.filter((row) => row.get('attributes').EmailAddress === rae.EmailAddress).map((row) => row.get('contact_id'))).toEqual([contactId]);
    });

    it('shows each node what another stored: contacts, interaction records, transcripts and documents', async () => {
      const [a, b] = [new CassandraUcs(cassandra()), new CassandraUcs(other)];
      const ann = await a.identifyContact(1, { EmailAddress: 'nodes@example.com', FirstName: 'Ann' });
      expect(await b.identifyContact(1, { EmailAddress: 'nodes@example.com' })).toEqual({ ...ann, created: false });

      await a.createInteraction(record('I-nodes'));
      await expect(b.createInteraction(record('I-nodes'))).rejects.toThrow('interaction I-nodes already exists');
      await b.saveTranscript('I-nodes', '<chatTranscript/>', 1_700_000_060_000);
      expect(await a.getInteraction('I-nodes')).toEqual({ ...record('I-nodes'), transcript: '<chatTranscript/>', closedAt: 1_700_000_060_000 });

      const document = await a.addDocument({ name: 'a.txt', mimeType: 'text/plain', content: Buffer.from('from a'), interactionId: 'I-nodes' });
      expect(await b.getDocument(document.documentId)).toEqual(document);
      await b.removeDocument(document.documentId);
      expect(await a.getDocument(document.documentId)).toBeUndefined();
    });
  });

  it('answers records and documents without their absent values, and keeps closedAt when a later transcript gives none', async () => {
    const ucs = new CassandraUcs(cassandra());
    const bare: InteractionRecord = { interactionId: 'I-bare', tenantDbid: 7, sessionId: 'S-bare', startedAt: 1_700_000_000_000, userData: {} };
    await ucs.createInteraction(bare);
    expect(await ucs.getInteraction('I-bare')).toStrictEqual(bare);
    await ucs.saveTranscript('I-bare', '<chatTranscript/>', 1_700_000_060_000);
    await ucs.saveTranscript('I-bare', '<chatTranscript><partyLeft/></chatTranscript>');
    expect(await ucs.getInteraction('I-bare')).toStrictEqual({
      ...bare,
      transcript: '<chatTranscript><partyLeft/></chatTranscript>',
      closedAt: 1_700_000_060_000,
    });

    const empty = await ucs.addDocument({ name: 'empty.txt', mimeType: 'text/plain', content: Buffer.alloc(0) });
    expect(await ucs.getDocument(empty.documentId)).toStrictEqual(empty);
  });
});
