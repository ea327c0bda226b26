import type { PiiRuleConfig } from '@ocs/chat-domain';
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import {
  isUcsId,
  newDocument,
  type Attributes,
  type ContactMatch,
  type DocumentInput,
  type InteractionRecord,
  type StoredDocument,
  type StoredInteraction,
  type UcsChange,
  type UcsState,
  type UniversalContactServer,
} from '@ocs/ports';
import { FilePiiRules } from './file-pii-rules';
import { readIfExists, syncDirectory, writeAtomically } from './file-io';

const JOURNAL = 'ucs-journal.jsonl';
const DOCUMENTS = 'documents';
const PII_RULES = 'pii-rules';
const TEMP = 'tmp';
const NEWLINE = 0x0a;

type DocumentHeader = Omit<StoredDocument, 'content'>;

/**
 * The embedded UCS, persistent across restarts without a database. Contacts and interaction records are an
 * append-only journal of upserts (one JSON line each) replayed into memory on open. A write resolves once its line
 * is synced to disk; writes that come while a sync runs share the next one (group commit), so the journal keeps up
 * with many sessions at once. A write that does not reach the disk fails the UCS: memory may then be ahead of the
 * journal, so every later call is refused until it is opened again. The records live in the `UcsState` it is opened
 * with (a fresh, empty one), which the journal is replayed into. Each document is one file,
 * `documents/<id>`: a JSON header line, then the content bytes. It is written under `tmp/` and renamed into place,
 * so a document is there completely or not at all. PII rule sets are files of their own (file-pii-rules.ts).
 */
export class FileUcs implements UniversalContactServer {
  /** Journal lines whose writes wait for the next sync, in order. */
  private pending: Array<{ line: Buffer; resolve: () => void; reject: (error: unknown) => void }> = [];
  private flushing: Promise<void> | undefined;
  private failure: Error | undefined;
  private readonly piiRules: FilePiiRules;

  private constructor(
    private readonly directory: string,
    private readonly journal: FileHandle,
    private readonly state: UcsState,
    /** Bytes of complete journal lines. */
    private journalSize: number,
  ) {
    this.piiRules = new FilePiiRules(filePiiRulesDirectory(directory));
  }

  static async open(directory: string, state: UcsState): Promise<FileUcs> {
    await mkdir(join(directory, DOCUMENTS), { recursive: true });
    // Temp files are leftovers of writes a crash interrupted.
    await rm(join(directory, TEMP), { recursive: true, force: true });
    await mkdir(join(directory, TEMP));
    const path = join(directory, JOURNAL);
    const content = (await readIfExists(path)) ?? Buffer.alloc(0);
    const complete = content.lastIndexOf(NEWLINE) + 1;
    for (const line of content.subarray(0, complete).toString('utf8').split('\n')) {
      if (line !== '') state.apply(JSON.parse(line) as UcsChange);
    }
    const journal = await open(path, 'a');
    // A torn last line (a crash during its write) never happened: cut it so the next line starts clean.
    if (complete < content.length) await journal.truncate(complete);
    await syncDirectory(directory);
    return new FileUcs(directory, journal, state, complete);
  }

  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    await this.journal.close();
  }

  identifyContact(tenantDbid: number, userData: Attributes): Promise<ContactMatch> {
    return this.write(() => {
      const { match, change } = this.state.identify(tenantDbid, userData);
      return { change, result: match };
    });
  }

  createInteraction(record: InteractionRecord): Promise<void> {
    return this.write(() => ({ change: this.state.createInteraction(record), result: undefined }));
  }

  saveTranscript(interactionId: string, transcriptXml: string, closedAt?: number): Promise<void> {
    return this.write(() => ({ change: this.state.saveTranscript(interactionId, transcriptXml, closedAt), result: undefined }));
  }

  async getInteraction(interactionId: string): Promise<StoredInteraction | undefined> {
    this.assertHealthy();
    return this.state.getInteraction(interactionId);
  }

  async addDocument(document: DocumentInput): Promise<StoredDocument> {
    const stored = newDocument(document);
    const { content, ...header } = stored;
    const temp = join(this.directory, TEMP, stored.documentId);
    await writeAtomically(temp, this.documentPath(stored.documentId), Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), content]));
    return stored;
  }

  async getDocument(documentId: string): Promise<StoredDocument | undefined> {
    if (!isUcsId(documentId)) return undefined;
    const file = await readIfExists(this.documentPath(documentId));
    if (!file) return undefined;
    const headerEnd = file.indexOf(NEWLINE);
    const header = JSON.parse(file.subarray(0, headerEnd).toString('utf8')) as DocumentHeader;
    return { ...header, content: file.subarray(headerEnd + 1) };
  }

  async removeDocument(documentId: string): Promise<void> {
    if (isUcsId(documentId)) await rm(this.documentPath(documentId), { force: true });
  }

  getPiiRules(tenantDbid: number): Promise<PiiRuleConfig[] | undefined> {
    return this.piiRules.get(tenantDbid);
  }

  savePiiRules(tenantDbid: number, rules: readonly PiiRuleConfig[] | undefined): Promise<void> {
    return this.piiRules.save(tenantDbid, rules);
  }

  private documentPath(documentId: string): string {
    return join(this.directory, DOCUMENTS, documentId);
  }

  /**
   * Applies the change `compute` makes to the state as it is (so the next write sees it), journals it, and resolves
   * with the result once the journal line is synced.
   */
  private async write<T>(compute: () => { change?: UcsChange; result: T }): Promise<T> {
    this.assertHealthy();
    const { change, result } = compute();
    if (!change) return result;
    this.state.apply(change);
    await new Promise<void>((resolve, reject) => {
      this.pending.push({ line: Buffer.from(`${JSON.stringify(change)}\n`), resolve, reject });
      this.flushing ??= this.flush();
    });
    return result;
  }

  /** Writes and syncs what is pending, batch after batch, until nothing is. */
  private async flush(): Promise<void> {
    while (this.pending.length > 0 && !this.failure) {
      const batch = this.pending;
      this.pending = [];
      const lines = Buffer.concat(batch.map((entry) => entry.line));
      try {
        await this.journal.appendFile(lines);
        await this.journal.datasync();
        this.journalSize += lines.length;
        for (const entry of batch) entry.resolve();
      } catch (error) {
        this.failure = new Error(`UCS journal ${join(this.directory, JOURNAL)} could not be written (${String(error)}); open the UCS again`);
        await this.journal.truncate(this.journalSize).catch(() => undefined);
        for (const entry of [...batch, ...this.pending]) entry.reject(error);
        this.pending = [];
      }
    }
    this.flushing = undefined;
  }

  private assertHealthy(): void {
    if (this.failure) throw this.failure;
  }
}

/** Where a file UCS in `directory` keeps its PII rule sets (for the operator's command, which writes them there). */
export function filePiiRulesDirectory(directory: string): string {
  return join(directory, PII_RULES);
}
