import type { PiiRuleConfig } from '@ocs/chat-domain';

/**
 * Universal Contact Server, as the chat server uses it: contact identification, the interaction record with
 * its transcript (UCS's chat transcript XML), and documents for file transfer. Adapters: a file store for the
 * embedded mode (persistent across restarts) and Cassandra (cluster work). It also holds each tenant's PII rules, as
 * Privacy Manager keeps them in UCS (`[transcript-cleanup] apply-config` ucs or mix).
 */
export type Attributes = Record<string, string>;

export interface ContactMatch {
  /** Absent for an anonymous chat (no contact attributes given). */
  contactId?: string;
  /**
   * The contact's stored attributes plus `ContactID`, where an attribute given in the user data wins for this
   * interaction (the stored contact does not change).
   */
  attributes: Attributes;
  /** Whether the contact was created by this identification. */
  created: boolean;
}

export interface InteractionRecord {
  interactionId: string;
  tenantDbid: number;
  sessionId: string;
  contactId?: string;
  subject?: string;
  startedAt: number;
  userData: Attributes;
}

export interface StoredInteraction extends InteractionRecord {
  /** UCS chat transcript XML (`chatTranscript`), latest version. */
  transcript?: string;
  /** Set once the chat is over: the record is final. */
  closedAt?: number;
}

export interface DocumentInput {
  name: string;
  mimeType: string;
  content: Buffer;
  /** The interaction the document belongs to (file transfer in a chat). */
  interactionId?: string;
}

export interface StoredDocument extends DocumentInput {
  documentId: string;
  size: number;
  createdAt: number;
}

export interface UniversalContactServer {
  /** Matches `EmailAddress` exactly to a contact or creates one from the contact attributes; none means anonymous. */
  identifyContact(tenantDbid: number, userData: Attributes): Promise<ContactMatch>;
  createInteraction(record: InteractionRecord): Promise<void>;
  /** Stores a version of the transcript; `closedAt` marks the record final. */
  saveTranscript(interactionId: string, transcriptXml: string, closedAt?: number): Promise<void>;
  getInteraction(interactionId: string): Promise<StoredInteraction | undefined>;
  addDocument(document: DocumentInput): Promise<StoredDocument>;
  getDocument(documentId: string): Promise<StoredDocument | undefined>;
  removeDocument(documentId: string): Promise<void>;
  /** The ordered PII rule set stored for a tenant, as stored (unchecked); undefined where none is. */
  getPiiRules(tenantDbid: number): Promise<PiiRuleConfig[] | undefined>;
  /** Replaces a tenant's PII rule set (an empty one is a set: nothing is masked), or removes it (`undefined`). */
  savePiiRules(tenantDbid: number, rules: readonly PiiRuleConfig[] | undefined): Promise<void>;
}

/** User data keys UCS treats as contact attributes for chat. */
export const CONTACT_ATTRIBUTE_KEYS = ['EmailAddress', 'FirstName', 'LastName', 'PhoneNumber'] as const;
