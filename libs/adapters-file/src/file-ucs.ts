import { mkdir, open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { isUcsId, newDocument, UcsState, type UcsChange } from '@ocs/adapters-memory';
import type { Attributes, ContactMatch, DocumentInput, InteractionRecord, StoredDocument, StoredInteraction, UniversalContactServer } from '@ocs/ports';

const JOURNAL = 'ucs-journal.jsonl';
const DOCUMENTS = 'documents';
const TEMP = 'tmp';
const NEWLINE = 0x0a;

type DocumentHeader = Omit<StoredDocument, 'content'>;

/**
 * The embedded UCS, persistent across restarts without a database. Contacts and interaction records are an
 * append-only journal of upserts (one JSON line each, synced to disk before the write resolves) replayed into
 * memory on open; writes run one after another. Each document is one file, `documents/<id>`: a JSON header
 * line, then the content bytes. It is written under `tmp/` and renamed into place, so a document is there
 * completely or not at all.
 */
export class FileUcs implements UniversalContactServer {
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly directory: string,
    private readonly journal: FileHandle,
    private readonly state: UcsState,
    /** Bytes of complete journal lines. */
    private journalSize: number,
  ) {}

  static async open(directory: string): Promise<FileUcs> {
    await mkdir(join(directory, DOCUMENTS), { recursive: true });
    // Temp files are leftovers of writes a crash interrupted.
    await rm(join(directory, TEMP), { recursive: true, force: true });
    await mkdir(join(directory, TEMP));
    const path = join(directory, JOURNAL);
    const content = (await readIfExists(path)) ?? Buffer.alloc(0);
    const complete = content.lastIndexOf(NEWLINE) + 1;
    const state = new UcsState();
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
    await this.tail;
    await this.journal.close();
  }

  identifyContact(tenantDbid: number, userData: Attributes): Promise<ContactMatch> {
    return this.serially(async () => {
      const { match, change } = this.state.identify(tenantDbid, userData);
      if (change) await this.commit(change);
      return match;
    });
  }

  createInteraction(record: InteractionRecord): Promise<void> {
    return this.serially(() => this.commit(this.state.createInteraction(record)));
  }

  saveTranscript(interactionId: string, transcriptXml: string, closedAt?: number): Promise<void> {
    return this.serially(() => this.commit(this.state.saveTranscript(interactionId, transcriptXml, closedAt)));
  }

  async getInteraction(interactionId: string): Promise<StoredInteraction | undefined> {
    return this.state.getInteraction(interactionId);
  }

  async addDocument(document: DocumentInput): Promise<StoredDocument> {
    const stored = newDocument(document);
    const { content, ...header } = stored;
    const temp = join(this.directory, TEMP, stored.documentId);
    try {
      const file = await open(temp, 'wx');
      try {
        await file.writeFile(Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), content]));
        await file.datasync();
      } finally {
        await file.close();
      }
      await rename(temp, this.documentPath(stored.documentId));
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    await syncDirectory(join(this.directory, DOCUMENTS));
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

  private documentPath(documentId: string): string {
    return join(this.directory, DOCUMENTS, documentId);
  }

  /** Journals the change, synced to disk, then applies it; a failed write is cut from the journal again. */
  private async commit(change: UcsChange): Promise<void> {
    const line = Buffer.from(`${JSON.stringify(change)}\n`);
    try {
      await this.journal.appendFile(line);
      await this.journal.datasync();
    } catch (error) {
      await this.journal.truncate(this.journalSize);
      throw error;
    }
    this.journalSize += line.length;
    this.state.apply(change);
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  return readFile(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
}

/** Makes created, renamed and removed entries of a directory durable. */
async function syncDirectory(path: string): Promise<void> {
  const directory = await open(path, 'r');
  try {
    await directory.datasync();
  } finally {
    await directory.close();
  }
}
