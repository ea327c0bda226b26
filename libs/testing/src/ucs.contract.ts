import { randomBytes } from 'node:crypto';
import type { InteractionRecord, UniversalContactServer } from '@ocs/ports';
import { eachTest } from './fixture';

const UCS_ID = /^[0-9A-F]{16}$/;

function record(interactionId: string): InteractionRecord {
  return {
    interactionId,
    tenantDbid: 1,
    sessionId: `S-${interactionId}`,
    contactId: '0001ABCDEF012345',
    subject: 'Billing',
    startedAt: 1_700_000_000_000,
    userData: { EmailAddress: 'ann@example.com', Subject: 'Billing' },
  };
}

/** The behaviour every UniversalContactServer adapter must show; run it against each adapter. */
export function ucsContract(name: string, create: () => Promise<{ ucs: UniversalContactServer; close?: () => Promise<void> }>): void {
  describe(`UniversalContactServer contract: ${name}`, () => {
    let ucs: UniversalContactServer;
    eachTest(create, (fixture) => ({ ucs } = fixture));

    describe('identifyContact', () => {
      const ann = { EmailAddress: 'ann@example.com', FirstName: 'Ann', LastName: 'Lee', Subject: 'Billing' };

      it('creates a contact from the contact attributes of the user data when no contact has the EmailAddress', async () => {
        const match = await ucs.identifyContact(1, ann);
        expect(match.created).toBe(true);
        expect(match.contactId).toMatch(UCS_ID);
        expect(match.attributes).toEqual({ EmailAddress: 'ann@example.com', FirstName: 'Ann', LastName: 'Lee', ContactID: match.contactId });
      });

      it('finds the contact again by the exact EmailAddress and returns its stored attributes', async () => {
        const first = await ucs.identifyContact(1, ann);
        const again = await ucs.identifyContact(1, { EmailAddress: 'ann@example.com' });
        expect(again).toEqual({ contactId: first.contactId, attributes: first.attributes, created: false });
        const otherCase = await ucs.identifyContact(1, { EmailAddress: 'Ann@Example.com' });
        expect(otherCase.created).toBe(true);
        expect(otherCase.contactId).not.toBe(first.contactId);
      });

      it('lets user data win for this interaction without changing the stored contact', async () => {
        const { contactId } = await ucs.identifyContact(1, ann);
        const typo = await ucs.identifyContact(1, { ...ann, FirstName: 'Speve', PhoneNumber: '+1 555 0100' });
        expect(typo).toEqual({
          contactId,
          attributes: { EmailAddress: 'ann@example.com', FirstName: 'Speve', LastName: 'Lee', PhoneNumber: '+1 555 0100', ContactID: contactId },
          created: false,
        });
        const later = await ucs.identifyContact(1, { EmailAddress: 'ann@example.com' });
        expect(later.attributes).toEqual({ EmailAddress: 'ann@example.com', FirstName: 'Ann', LastName: 'Lee', ContactID: contactId });
      });

      it('is anonymous without contact attributes: no contact, nothing created (empty values count as absent)', async () => {
        expect(await ucs.identifyContact(1, { Subject: 'Billing', MediaType: 'chat' })).toEqual({ attributes: {}, created: false });
        expect(await ucs.identifyContact(1, { FirstName: '', LastName: '', EmailAddress: '' })).toEqual({ attributes: {}, created: false });
      });

      it('creates a new contact each time without an EmailAddress: names are never matched', async () => {
        const first = await ucs.identifyContact(1, { FirstName: 'Ann', LastName: 'Lee' });
        const second = await ucs.identifyContact(1, { FirstName: 'Ann', LastName: 'Lee' });
        expect([first.created, second.created]).toEqual([true, true]);
        expect(second.contactId).not.toBe(first.contactId);
        expect(second.attributes).toEqual({ FirstName: 'Ann', LastName: 'Lee', ContactID: second.contactId });
      });

      it('creates one contact for concurrent identifications of a new EmailAddress', async () => {
        const matches = await Promise.all([1, 2, 3, 4].map(() => ucs.identifyContact(1, ann)));
        expect(new Set(matches.map((m) => m.contactId)).size).toBe(1);
        expect(matches.filter((m) => m.created)).toHaveLength(1);
      });

      it('keeps the contacts of each tenant apart', async () => {
        const inOne = await ucs.identifyContact(1, ann);
        const inTwo = await ucs.identifyContact(2, ann);
        expect(inTwo.created).toBe(true);
        expect(inTwo.contactId).not.toBe(inOne.contactId);
        expect((await ucs.identifyContact(2, ann)).contactId).toBe(inTwo.contactId);
      });
    });

    describe('interactions', () => {
      it('stores the record and the latest transcript version, final once closedAt is given', async () => {
        await ucs.createInteraction(record('I-1'));
        expect(await ucs.getInteraction('I-1')).toEqual(record('I-1'));
        const intermediate = '<chatTranscript sessionId="S-I-1"><message>héllo 👋🏽 مرحبا 你好</message></chatTranscript>';
        await ucs.saveTranscript('I-1', intermediate);
        expect(await ucs.getInteraction('I-1')).toEqual({ ...record('I-1'), transcript: intermediate });
        const final = intermediate.replace('</chatTranscript>', '<partyLeft/></chatTranscript>');
        await ucs.saveTranscript('I-1', final, 1_700_000_060_000);
        expect(await ucs.getInteraction('I-1')).toEqual({ ...record('I-1'), transcript: final, closedAt: 1_700_000_060_000 });
      });

      it('refuses a transcript for an unknown interaction and a second record with the same id', async () => {
        await expect(ucs.saveTranscript('I-unknown', '<chatTranscript/>')).rejects.toThrow('I-unknown');
        await ucs.createInteraction(record('I-2'));
        await expect(ucs.createInteraction(record('I-2'))).rejects.toThrow('I-2');
        expect(await ucs.getInteraction('I-never')).toBeUndefined();
      });

      it('is not changed by later edits of the objects given or returned', async () => {
        const given = record('I-3');
        await ucs.createInteraction(given);
        given.userData.Subject = 'changed';
        const returned = await ucs.getInteraction('I-3');
        if (returned) returned.userData.Subject = 'changed too';
        expect(await ucs.getInteraction('I-3')).toEqual(record('I-3'));
      });
    });

    describe('documents', () => {
      it('returns identical bytes for every byte value, with name, type, size and creation time', async () => {
        const content = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
        const before = Date.now();
        const stored = await ucs.addDocument({ name: 'bytes.bin', mimeType: 'application/octet-stream', content, interactionId: 'I-1' });
        expect(stored.documentId).toMatch(UCS_ID);
        expect(stored.size).toBe(512);
        expect(stored.createdAt).toBeGreaterThanOrEqual(before);
        expect(stored.createdAt).toBeLessThanOrEqual(Date.now());
        const read = await ucs.getDocument(stored.documentId);
        expect(read).toEqual({ ...stored, content });
        expect(read?.content.equals(content)).toBe(true);
      });

      it('keeps a multi-megabyte document intact and apart from the caller’s buffer', async () => {
        const content = randomBytes(5 * 1024 * 1024);
        const expected = Buffer.from(content);
        const { documentId } = await ucs.addDocument({ name: 'scan 📄.pdf', mimeType: 'application/pdf', content });
        content.fill(0);
        const read = await ucs.getDocument(documentId);
        expect(read?.content.equals(expected)).toBe(true);
        expect(read).toMatchObject({ name: 'scan 📄.pdf', mimeType: 'application/pdf', size: expected.length });
        read?.content.fill(0);
        expect((await ucs.getDocument(documentId))?.content.equals(expected)).toBe(true);
      });

      it('forgets a removed document; unknown or malformed ids are simply not found', async () => {
        const { documentId } = await ucs.addDocument({ name: 'a.txt', mimeType: 'text/plain', content: Buffer.from('a') });
        await ucs.removeDocument(documentId);
        expect(await ucs.getDocument(documentId)).toBeUndefined();
        await expect(ucs.removeDocument(documentId)).resolves.toBeUndefined();
        expect(await ucs.getDocument('0123456789ABCDEF')).toBeUndefined();
        expect(await ucs.getDocument('../ucs-journal.jsonl')).toBeUndefined();
      });
    });

    describe('PII rules', () => {
      // Tenants of their own: a store on a real server keeps what earlier runs wrote.
      const tenant = () => 100_000 + randomBytes(3).readUIntBE(0, 3);
      const rules = [
        { id: 'R-1', name: 'Orders', description: 'order numbers ✓', regex: String.raw`ORD-\d{6}`, spec: 'digits:2' },
        { id: 'R-2', name: 'IBAN', regex: String.raw`DE\d{20}`, repchar: '#' },
      ];

      it('has no rule set for a tenant none was saved for', async () => {
        expect(await ucs.getPiiRules(tenant())).toBeUndefined();
      });

      it('answers a saved rule set as it was saved, in its order, and a later save replaces it whole', async () => {
        const t = tenant();
        await ucs.savePiiRules(t, rules);
        expect(await ucs.getPiiRules(t)).toEqual(rules);
        await ucs.savePiiRules(t, [rules[1]]);
        expect(await ucs.getPiiRules(t)).toEqual([rules[1]]);
      });

      it('keeps an empty set apart from none, and forgets a removed one', async () => {
        const t = tenant();
        await ucs.savePiiRules(t, []);
        expect(await ucs.getPiiRules(t)).toEqual([]);
        await ucs.savePiiRules(t, undefined);
        expect(await ucs.getPiiRules(t)).toBeUndefined();
        await expect(ucs.savePiiRules(t, undefined)).resolves.toBeUndefined();
      });

      it('keeps the sets of each tenant apart and unchanged by later edits of what was given or returned', async () => {
        const [one, two] = [tenant(), tenant()];
        const given = rules.map((rule) => ({ ...rule }));
        await ucs.savePiiRules(one, given);
        await ucs.savePiiRules(two, [rules[0]]);
        given[0].name = 'changed';
        const returned = await ucs.getPiiRules(one);
        if (returned) returned[1].regex = 'changed too';
        expect(await ucs.getPiiRules(one)).toEqual(rules);
        expect(await ucs.getPiiRules(two)).toEqual([rules[0]]);
      });
    });
  });
}
