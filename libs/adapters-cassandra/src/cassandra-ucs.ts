import type { PiiRuleConfig } from '@ocs/chat-domain';
import {
  contactAttributes,
  contactMatch,
  newDocument,
  newUcsId,
  type Attributes,
  type ContactMatch,
  type ContactRecord,
  type DocumentInput,
  type InteractionRecord,
  type StoredDocument,
  type StoredInteraction,
  type UniversalContactServer,
} from '@ocs/ports';
import type { types } from 'cassandra-driver';
import { conditional, statementOptions, type CassandraContext } from './cassandra-options';

/** A column's value, undefined for null (a column never written). */
function column<T>(row: types.Row, name: string): T | undefined {
  const value: T | null = row.get(name);
  return value ?? undefined;
}

function millis(row: types.Row, name: string): number | undefined {
  return column<Date>(row, name)?.getTime();
}

/**
 * UCS of the cluster mode in our `ucs_*` tables (`deploy/cassandra/ucs-tables.cql`), the same for every node.
 * A contact is its `ucs_contacts` row; `ucs_contact_emails` maps a tenant's exact EmailAddress to one contact, written
 * with a lightweight transaction after the contact's row, so nodes identifying a new address at once end with the
 * first one's contact (the others delete the contact they wrote). An interaction record is created `IF NOT EXISTS`
 * and its transcript saved `IF EXISTS`; a document is one row with its content. Absent optional values are written
 * as unset, so they leave no column behind. A tenant's PII rule set is one `ucs_pii_rules` row, the ordered rules as
 * JSON text, replaced whole.
 */
export class CassandraUcs implements UniversalContactServer {
  private readonly insertContact: string;
  private readonly selectContact: string;
  private readonly deleteContact: string;
  private readonly insertEmail: string;
  private readonly selectEmail: string;
  private readonly insertInteraction: string;
  private readonly updateTranscript: string;
  private readonly selectInteraction: string;
  private readonly insertDocument: string;
  private readonly selectDocument: string;
  private readonly deleteDocument: string;
  private readonly selectPiiRules: string;
  private readonly insertPiiRules: string;
  private readonly deletePiiRules: string;

  constructor(private readonly cassandra: CassandraContext) {
    const { keyspace } = cassandra;
    this.insertContact = `INSERT INTO ${keyspace}.ucs_contacts (contact_id, tenant_dbid, attributes) VALUES (?, ?, ?)`;
    this.selectContact = `SELECT attributes FROM ${keyspace}.ucs_contacts WHERE contact_id = ?`;
    this.deleteContact = `DELETE FROM ${keyspace}.ucs_contacts WHERE contact_id = ?`;
    this.insertEmail = `INSERT INTO ${keyspace}.ucs_contact_emails (tenant_dbid, email_address, contact_id) VALUES (?, ?, ?) IF NOT EXISTS`;
    this.selectEmail = `SELECT contact_id FROM ${keyspace}.ucs_contact_emails WHERE tenant_dbid = ? AND email_address = ?`;
    this.insertInteraction =
      `INSERT INTO ${keyspace}.ucs_interactions (interaction_id, tenant_dbid, session_id, contact_id, subject, started_at, user_data) ` +
      'VALUES (?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS';
    this.updateTranscript = `UPDATE ${keyspace}.ucs_interactions SET transcript = ?, closed_at = ? WHERE interaction_id = ? IF EXISTS`;
    this.selectInteraction =
      'SELECT tenant_dbid, session_id, contact_id, subject, started_at, user_data, transcript, closed_at ' +
      `FROM ${keyspace}.ucs_interactions WHERE interaction_id = ?`;
    this.insertDocument = `INSERT INTO ${keyspace}.ucs_documents (document_id, name, mime_type, content, created_at, interaction_id) VALUES (?, ?, ?, ?, ?, ?)`;
    this.selectDocument = `SELECT name, mime_type, content, created_at, interaction_id FROM ${keyspace}.ucs_documents WHERE document_id = ?`;
    this.deleteDocument = `DELETE FROM ${keyspace}.ucs_documents WHERE document_id = ?`;
    this.selectPiiRules = `SELECT rules FROM ${keyspace}.ucs_pii_rules WHERE tenant_dbid = ?`;
    this.insertPiiRules = `INSERT INTO ${keyspace}.ucs_pii_rules (tenant_dbid, rules) VALUES (?, ?)`;
    this.deletePiiRules = `DELETE FROM ${keyspace}.ucs_pii_rules WHERE tenant_dbid = ?`;
  }

  async identifyContact(tenantDbid: number, userData: Attributes): Promise<ContactMatch> {
    const given = contactAttributes(userData);
    if (Object.keys(given).length === 0) return { attributes: {}, created: false };
    const email = given.EmailAddress;
    const { client, readConsistency, writeConsistency } = this.cassandra;
    if (email !== undefined) {
      const found = (await client.execute(this.selectEmail, [tenantDbid, email], statementOptions(readConsistency))).first();
      if (found) return contactMatch(await this.contact(tenantDbid, found.get('contact_id')), given, false);
    }
    const contact: ContactRecord = { tenantDbid, contactId: newUcsId(), attributes: given };
    await client.execute(this.insertContact, [contact.contactId, tenantDbid, given], statementOptions(writeConsistency));
    if (email === undefined) return contactMatch(contact, given, true);
    const claim = await client.execute(this.insertEmail, [tenantDbid, email, contact.contactId], conditional(writeConsistency));
    if (claim.wasApplied()) return contactMatch(contact, given, true);
    await client.execute(this.deleteContact, [contact.contactId], statementOptions(writeConsistency));
    return contactMatch(await this.contact(tenantDbid, claim.first().get('contact_id')), given, false);
  }

  async createInteraction(record: InteractionRecord): Promise<void> {
    const { interactionId, tenantDbid, sessionId, contactId, subject, startedAt, userData } = record;
    // A copy: the driver encodes the values only once the statement is prepared, after later edits of the caller.
    const values = [interactionId, tenantDbid, sessionId, contactId, subject, new Date(startedAt), { ...userData }];
    const result = await this.cassandra.client.execute(this.insertInteraction, values, conditional(this.cassandra.writeConsistency));
    if (!result.wasApplied()) throw new Error(`interaction ${interactionId} already exists`);
  }

  async saveTranscript(interactionId: string, transcriptXml: string, closedAt?: number): Promise<void> {
    const values = [transcriptXml, closedAt === undefined ? undefined : new Date(closedAt), interactionId];
    const result = await this.cassandra.client.execute(this.updateTranscript, values, conditional(this.cassandra.writeConsistency));
    if (!result.wasApplied()) throw new Error(`unknown interaction ${interactionId}`);
  }

  async getInteraction(interactionId: string): Promise<StoredInteraction | undefined> {
    const { client, readConsistency } = this.cassandra;
    const row = (await client.execute(this.selectInteraction, [interactionId], statementOptions(readConsistency))).first();
    if (!row) return undefined;
    const stored: StoredInteraction = {
      interactionId,
      tenantDbid: row.get('tenant_dbid'),
      sessionId: row.get('session_id'),
      contactId: column(row, 'contact_id'),
      subject: column(row, 'subject'),
      startedAt: row.get('started_at').getTime(),
      userData: column(row, 'user_data') ?? {},
      transcript: column(row, 'transcript'),
      closedAt: millis(row, 'closed_at'),
    };
    return withoutUndefined(stored);
  }

  async addDocument(document: DocumentInput): Promise<StoredDocument> {
    const stored = newDocument(document);
    const { documentId, name, mimeType, content, createdAt, interactionId } = stored;
    const values = [documentId, name, mimeType, content, new Date(createdAt), interactionId];
    await this.cassandra.client.execute(this.insertDocument, values, statementOptions(this.cassandra.writeConsistency));
    return stored;
  }

  async getDocument(documentId: string): Promise<StoredDocument | undefined> {
    const { client, readConsistency } = this.cassandra;
    const row = (await client.execute(this.selectDocument, [documentId], statementOptions(readConsistency))).first();
    if (!row) return undefined;
    const content: Buffer = row.get('content');
    const stored: StoredDocument = {
      documentId,
      name: row.get('name'),
      mimeType: row.get('mime_type'),
      content,
      size: content.length,
      createdAt: row.get('created_at').getTime(),
      interactionId: column(row, 'interaction_id'),
    };
    return withoutUndefined(stored);
  }

  async removeDocument(documentId: string): Promise<void> {
    await this.cassandra.client.execute(this.deleteDocument, [documentId], statementOptions(this.cassandra.writeConsistency));
  }

  async getPiiRules(tenantDbid: number): Promise<PiiRuleConfig[] | undefined> {
    const { client, readConsistency } = this.cassandra;
    const row = (await client.execute(this.selectPiiRules, [tenantDbid], statementOptions(readConsistency))).first();
    if (!row) return undefined;
    try {
      return JSON.parse(row.get('rules')) as PiiRuleConfig[];
    } catch (error) {
      throw new Error(`PII rules of tenant ${tenantDbid} in ucs_pii_rules are not JSON: ${String(error)}`);
    }
  }

  async savePiiRules(tenantDbid: number, rules: readonly PiiRuleConfig[] | undefined): Promise<void> {
    const { client, writeConsistency } = this.cassandra;
    if (rules === undefined) await client.execute(this.deletePiiRules, [tenantDbid], statementOptions(writeConsistency));
    else await client.execute(this.insertPiiRules, [tenantDbid, JSON.stringify(rules)], statementOptions(writeConsistency));
  }

  /** The stored contact an EmailAddress row names; its row is written before the EmailAddress row, so it is there. */
  private async contact(tenantDbid: number, contactId: string): Promise<ContactRecord> {
    const { client, readConsistency } = this.cassandra;
    const row = (await client.execute(this.selectContact, [contactId], statementOptions(readConsistency))).first();
    if (!row) throw new Error(`contact ${contactId} of an EmailAddress of tenant ${tenantDbid} is missing`);
    return { tenantDbid, contactId, attributes: row.get('attributes') };
  }
}

/** The object without its undefined properties, as the other adapters answer optional values. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
