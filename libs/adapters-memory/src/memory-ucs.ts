import type { PiiRuleConfig } from '@ocs/chat-domain';
import {
  contactAttributes,
  contactMatch,
  copyDocument,
  newDocument,
  newUcsId,
  type Attributes,
  type ContactMatch,
  type ContactRecord,
  type DocumentInput,
  type InteractionRecord,
  type StoredDocument,
  type StoredInteraction,
  type UcsChange,
  type UcsState,
  type UniversalContactServer,
} from '@ocs/ports';
import { PackedRecords } from './packed-records';

/** The state of a UCS in memory, for `MemoryUcs` and for stores that journal it. */
export class MemoryUcsState implements UcsState {
  /** Contacts are only ever matched by EmailAddress, so only those with one are kept, by tenant and address. */
  private readonly byEmail = new Map<string, ContactRecord>();
  /** Written once when the session starts and read again when it ends: packed, outside the JS heap. */
  private readonly interactions = new PackedRecords<StoredInteraction>();

  identify(tenantDbid: number, userData: Attributes): { match: ContactMatch; change?: UcsChange } {
    const given = contactAttributes(userData);
    if (Object.keys(given).length === 0) return { match: { attributes: {}, created: false } };
    const found = given.EmailAddress === undefined ? undefined : this.byEmail.get(emailKey(tenantDbid, given.EmailAddress));
    const contact = found ?? { tenantDbid, contactId: newUcsId(), attributes: given };
    const match = contactMatch(contact, given, !found);
    return found ? { match } : { match, change: { kind: 'contact', contact } };
  }

  createInteraction(record: InteractionRecord): UcsChange {
    if (this.interactions.has(record.interactionId)) throw new Error(`interaction ${record.interactionId} already exists`);
    return { kind: 'interaction', interaction: copyInteraction(record) };
  }

  saveTranscript(interactionId: string, transcriptXml: string, closedAt?: number): UcsChange {
    const existing = this.interactions.get(interactionId);
    if (!existing) throw new Error(`unknown interaction ${interactionId}`);
    const interaction: StoredInteraction = { ...existing, transcript: transcriptXml };
    if (closedAt !== undefined) interaction.closedAt = closedAt;
    return { kind: 'interaction', interaction };
  }

  getInteraction(interactionId: string): StoredInteraction | undefined {
    // PackedRecords reads a fresh copy each time.
    return this.interactions.get(interactionId);
  }

  apply(change: UcsChange): void {
    if (change.kind === 'interaction') {
      this.interactions.set(change.interaction.interactionId, change.interaction);
      return;
    }
    const { EmailAddress } = change.contact.attributes;
    if (EmailAddress !== undefined) this.byEmail.set(emailKey(change.contact.tenantDbid, EmailAddress), change.contact);
  }
}

/** Keeps copies, so callers can never change what is stored. */
export class MemoryUcs implements UniversalContactServer {
  private readonly state = new MemoryUcsState();
  private readonly documents = new Map<string, StoredDocument>();
  private readonly piiRules = new Map<number, PiiRuleConfig[]>();

  async identifyContact(tenantDbid: number, userData: Attributes): Promise<ContactMatch> {
    const { match, change } = this.state.identify(tenantDbid, userData);
    if (change) this.state.apply(change);
    return match;
  }

  async createInteraction(record: InteractionRecord): Promise<void> {
    this.state.apply(this.state.createInteraction(record));
  }

  async saveTranscript(interactionId: string, transcriptXml: string, closedAt?: number): Promise<void> {
    this.state.apply(this.state.saveTranscript(interactionId, transcriptXml, closedAt));
  }

  async getInteraction(interactionId: string): Promise<StoredInteraction | undefined> {
    return this.state.getInteraction(interactionId);
  }

  async addDocument(document: DocumentInput): Promise<StoredDocument> {
    const stored = newDocument(document);
    this.documents.set(stored.documentId, stored);
    return copyDocument(stored);
  }

  async getDocument(documentId: string): Promise<StoredDocument | undefined> {
    const stored = this.documents.get(documentId);
    return stored && copyDocument(stored);
  }

  async removeDocument(documentId: string): Promise<void> {
    this.documents.delete(documentId);
  }

  async getPiiRules(tenantDbid: number): Promise<PiiRuleConfig[] | undefined> {
    const rules = this.piiRules.get(tenantDbid);
    return rules && structuredClone(rules);
  }

  async savePiiRules(tenantDbid: number, rules: readonly PiiRuleConfig[] | undefined): Promise<void> {
    if (rules === undefined) this.piiRules.delete(tenantDbid);
    else this.piiRules.set(tenantDbid, structuredClone([...rules]));
  }
}

function emailKey(tenantDbid: number, email: string): string {
  return `${tenantDbid} ${email}`;
}

function copyInteraction<R extends InteractionRecord>(record: R): R {
  return { ...record, userData: { ...record.userData } };
}
