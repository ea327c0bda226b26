import { randomBytes } from 'node:crypto';
import {
  CONTACT_ATTRIBUTE_KEYS,
  type Attributes,
  type ContactMatch,
  type DocumentInput,
  type InteractionRecord,
  type StoredDocument,
  type StoredInteraction,
} from './ucs';

/**
 * Rules of UCS records every adapter of `UniversalContactServer` keeps alike: ids, contact matching, new documents;
 * and the state a journaling adapter keeps its records in.
 */

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

/** A new document with its id, size and creation time, holding a copy of the content. */
export function newDocument(document: DocumentInput): StoredDocument {
  return { ...copyDocument(document), documentId: newUcsId(), size: document.content.length, createdAt: Date.now() };
}

/** A copy whose content the caller can change without changing the original. */
export function copyDocument<D extends DocumentInput>(document: D): D {
  return { ...document, content: Buffer.from(document.content) };
}

/** One upsert of UCS state: what a persistent store journals and replays. */
export type UcsChange = { kind: 'contact'; contact: ContactRecord } | { kind: 'interaction'; interaction: StoredInteraction };

/**
 * Contacts and interaction records of a UCS, without documents. Every operation first computes the change it
 * makes, so a store can persist exactly that change before it `apply`s it.
 */
export interface UcsState {
  /** The match for this user data, and the contact to create when none matches (not applied yet). */
  identify(tenantDbid: number, userData: Attributes): { match: ContactMatch; change?: UcsChange };
  /** Refuses an interaction that exists already. */
  createInteraction(record: InteractionRecord): UcsChange;
  /** Refuses an unknown interaction. */
  saveTranscript(interactionId: string, transcriptXml: string, closedAt?: number): UcsChange;
  /** A fresh copy each time. */
  getInteraction(interactionId: string): StoredInteraction | undefined;
  apply(change: UcsChange): void;
}
