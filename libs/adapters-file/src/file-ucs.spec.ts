import { randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, open, readdir, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryUcsState } from '@ocs/adapters-memory';
import type { InteractionRecord } from '@ocs/ports';
import { ucsContract } from '@ocs/testing';
import { FileUcs } from './file-ucs';

const tempDirectory = () => mkdtemp(join(tmpdir(), 'ocs-file-ucs-'));
const openUcs = (directory: string) => FileUcs.open(directory, new MemoryUcsState());

ucsContract('file', async () => {
  const directory = await tempDirectory();
  const ucs = await openUcs(directory);
  return {
    ucs,
    close: async () => {
      await ucs.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
});

/** The prototype every FileHandle shares, to make one write fail. */
async function fileHandlePrototype(): Promise<FileHandle> {
  const handle = await open(__filename, 'r');
  await handle.close();
  return Object.getPrototypeOf(handle) as FileHandle;
}

function record(interactionId: string): InteractionRecord {
  return { interactionId, tenantDbid: 1, sessionId: `S-${interactionId}`, startedAt: 1_700_000_000_000, userData: { Subject: 'Billing' } };
}

describe('FileUcs on disk', () => {
  let directory: string;
  let ucs: FileUcs;

  beforeEach(async () => {
    directory = await tempDirectory();
    ucs = await openUcs(directory);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await ucs.close();
    await rm(directory, { recursive: true, force: true });
  });

  async function reopen(): Promise<void> {
    await ucs.close();
    ucs = await openUcs(directory);
  }

  it('keeps contacts, transcripts and documents across close and reopen', async () => {
    const ann = await ucs.identifyContact(1, { EmailAddress: 'ann@example.com', FirstName: 'Ann' });
    await ucs.createInteraction({ ...record('I-1'), contactId: ann.contactId });
    await ucs.saveTranscript('I-1', '<chatTranscript>héllo 👋🏽</chatTranscript>', 1_700_000_060_000);
    const document = await ucs.addDocument({
      name: 'a.bin',
      mimeType: 'application/octet-stream',
      content: Buffer.from([0, 10, 13, 255]),
      interactionId: 'I-1',
    });
    await reopen();
    expect(await ucs.identifyContact(1, { EmailAddress: 'ann@example.com' })).toEqual({ ...ann, created: false });
    expect(await ucs.getInteraction('I-1')).toEqual({
      ...record('I-1'),
      contactId: ann.contactId,
      transcript: '<chatTranscript>héllo 👋🏽</chatTranscript>',
      closedAt: 1_700_000_060_000,
    });
    expect(await ucs.getDocument(document.documentId)).toEqual(document);
  });

  it('ignores a torn last journal line, as a crash during its write leaves it, and appends cleanly after it', async () => {
    await ucs.createInteraction(record('I-1'));
    await ucs.close();
    await appendFile(join(directory, 'ucs-journal.jsonl'), '{"kind":"interaction","interaction":{"interactionId":"I-torn","tenantDb');
    ucs = await openUcs(directory);
    expect(await ucs.getInteraction('I-1')).toEqual(record('I-1'));
    expect(await ucs.getInteraction('I-torn')).toBeUndefined();
    await ucs.createInteraction(record('I-2'));
    await reopen();
    expect(await ucs.getInteraction('I-2')).toEqual(record('I-2'));
  });

  it('fails when a journal write does not reach the disk: refuses every later call, and the write is not there after reopen', async () => {
    await ucs.createInteraction(record('I-1'));
    jest.spyOn(await fileHandlePrototype(), 'datasync').mockRejectedValueOnce(new Error('EIO: i/o error, fdatasync'));
    await expect(ucs.saveTranscript('I-1', '<lost/>')).rejects.toThrow('EIO');
    await expect(ucs.getInteraction('I-1')).rejects.toThrow(/ucs-journal\.jsonl could not be written .*EIO.*open the UCS again/);
    await expect(ucs.createInteraction(record('I-2'))).rejects.toThrow('open the UCS again');
    await reopen();
    expect(await ucs.getInteraction('I-1')).toEqual(record('I-1'));
    await ucs.createInteraction(record('I-2'));
  });

  it('syncs writes that come together once, and keeps every one of them', async () => {
    const datasync = jest.spyOn(await fileHandlePrototype(), 'datasync');
    const ids = Array.from({ length: 50 }, (_, i) => `I-group-${i}`);
    await Promise.all(ids.map((id) => ucs.createInteraction(record(id))));
    expect(datasync.mock.calls.length).toBeLessThan(10);
    datasync.mockRestore();
    await reopen();
    for (const id of ids) expect(await ucs.getInteraction(id)).toEqual(record(id));
  });

  it('leaves no file behind when a document write fails half-way', async () => {
    const prototype = await fileHandlePrototype();
    const write = prototype.writeFile;
    jest.spyOn(prototype, 'writeFile').mockImplementationOnce(async function (this: FileHandle, data: Parameters<FileHandle['writeFile']>[0]) {
      await write.call(this, (data as Buffer).subarray(0, 1000));
      throw new Error('ENOSPC: no space left on device, write');
    });
    const content = randomBytes(100_000);
    await expect(ucs.addDocument({ name: 'big.bin', mimeType: 'application/octet-stream', content })).rejects.toThrow('ENOSPC');
    expect(await readdir(join(directory, 'documents'))).toEqual([]);
    expect(await readdir(join(directory, 'tmp'))).toEqual([]);
    const { documentId } = await ucs.addDocument({ name: 'big.bin', mimeType: 'application/octet-stream', content });
    expect(await readdir(join(directory, 'documents'))).toEqual([documentId]);
  });

  it('drops on open what a crash left of an unfinished document write', async () => {
    await ucs.close();
    await writeFile(join(directory, 'tmp', '0123456789ABCDEF'), 'half a docu');
    ucs = await openUcs(directory);
    expect(await readdir(join(directory, 'tmp'))).toEqual([]);
    expect(await ucs.getDocument('0123456789ABCDEF')).toBeUndefined();
  });
});
