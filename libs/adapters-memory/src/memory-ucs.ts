import { randomBytes } from 'node:crypto';
import {
  CONTACT_ATTRIBUTE_KEYS,
  type Attributes,
  type ContactMatch,
  type DocumentInput,
  type InteractionRecord,
  type StoredDocument,
  type StoredInteraction,
  type UniversalContactServer,
} from '@ocs/ports';
import { PackedRecords } from './packed-records';

/** A UCS id: 16 uppercase hex digits, like Genesys contact and document ids. */
export function newUcsId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

export function isUcsId(id: string): boolean {
  return /^[0-9A-F]{16}$/.test(id);
}

export interface ContactRecord {
  tenantDbid: number;
  contactId: string;
  attributes: Attributes;
}

/** One upsert of UCS state: what a persistent store journals and replays. */
export type UcsChange = { kind: 'contact'; contact: ContactRecord } | { kind: 'interaction'; interaction: StoredInteraction };

/**
 * Contacts and interaction records of a UCS, without documents. Every operation first computes the change it
 * makes, so a store can persist exactly that change before it `apply`s it.
 */
export class UcsState {
  /** Contacts are only ever matched by EmailAddress, so only those with one are kept, by tenant and address. */
  private readonly byEmail = new Map<string, ContactRecord>();
  /** Written once when the session starts and read again when it ends: packed, outside the JS heap. */
  private readonly interactions = new PackedRecords<StoredInteraction>();

  /** The match for this user data, and the contact to create when none matches (not applied yet). */
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
    // A fresh copy each time.
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
  private readonly state = new UcsState();
  private readonly documents = new Map<string, StoredDocument>();

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
}

/** A new document with its id, size and creation time, holding a copy of the content. */
export function newDocument(document: DocumentInput): StoredDocument {
  return { ...copyDocument(document), documentId: newUcsId(), size: document.content.length, createdAt: Date.now() };
}

function copyDocument<D extends DocumentInput>(document: D): D {
  return { ...document, content: Buffer.from(document.content) };
}

/** The contact attributes of the user data, empty values left out: none means an anonymous chat. */
export function contactAttributes(userData: Attributes): Attributes {
  const out: Attributes = {};
  for (const key of CONTACT_ATTRIBUTE_KEYS) if (userData[key]) out[key] = userData[key];
  return out;
}

/** The match of a contact: its stored attributes, those given in the user data winning, plus `ContactID`. */
export function contactMatch(contact: ContactRecord, given: Attributes, created: boolean): ContactMatch {
  return { contactId: contact.contactId, attributes: { ...contact.attributes, ...given, ContactID: contact.contactId }, created };
}

function emailKey(tenantDbid: number, email: string): string {
  return `${tenantDbid} ${email}`;
}

function copyInteraction<R extends InteractionRecord>(record: R): R {
  return { ...record, userData: { ...record.userData } };
}
