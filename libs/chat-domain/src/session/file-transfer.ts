import { ChatError } from '../errors';
import type { FileRules, SessionRules } from '../rules';
import type { ChatEvent, KvList, Participant } from '../types';
import { isVisibleTo } from '../visibility';
import { hasLiveAgent } from './presence';
import type { FileCounters, SessionState } from './state';

/**
 * File transfer (`[client-file-transfer]`): files are posted as `SYS_COMMAND` notices `file-uploaded` and
 * `file-deleted` carrying the file's keys. A customer's uploads and downloads are limited and counted; agents have
 * no limits.
 */

export const FILE_UPLOADED = 'file-uploaded';
export const FILE_DELETED = 'file-deleted';
export const FILE_KEYS = {
  name: 'file-name',
  size: 'file-size',
  source: 'file-source',
  documentId: 'file-document-id',
  id: 'file-id',
  uploadType: 'file-upload-type',
  description: 'file-description',
} as const;

export const NO_FILES_USED: FileCounters = { uploads: 0, uploadBytes: 0, downloads: 0, nextFileId: 1 };

/** The limits and what is used, in the keys (and string values) GMS clients read from `file/limits`. */
export function fileLimitsView(rules: FileRules, used: FileCounters): Record<string, string> {
  return {
    'upload-max-files': String(rules.uploadMaxFiles),
    'upload-max-file-size': String(rules.uploadMaxFileSize),
    'upload-max-total-size': String(rules.uploadMaxTotalSize),
    'upload-file-types': rules.uploadFileTypes.join(':'),
    'upload-need-agent': String(rules.uploadNeedAgent),
    'download-attempts': String(rules.downloadAttempts),
    // Deleting a file does not give its place or bytes back (GMS clients require the key).
    'delete-file': 'false',
    'used-upload-max-files': String(used.uploads),
    'used-upload-max-total-size': String(used.uploadBytes),
    'used-download-attempts': String(used.downloads),
  };
}

/** Refuses a customer upload that breaks a limit; run before the file is stored and again when it is posted. */
export function checkCustomerUpload(rules: FileRules, used: FileCounters, file: { name: string; size: number }, agentPresent: boolean): void {
  if (rules.uploadMaxFiles === 0 || rules.uploadMaxTotalSize === 0) throw new ChatError('UPLOADS_DISABLED', 'file uploads by customers are disabled');
  if (rules.uploadNeedAgent && !agentPresent) throw new ChatError('UPLOAD_NEEDS_AGENT', 'a file can be sent once an agent has joined the chat');
  if (used.uploads >= rules.uploadMaxFiles) throw new ChatError('UPLOAD_TOO_MANY_FILES', `at most ${rules.uploadMaxFiles} files may be sent in this chat`);
  if (!Number.isInteger(file.size) || file.size < 0) throw new ChatError('INVALID_ARGUMENT', 'file size must be a whole number of bytes');
  if (file.size > rules.uploadMaxFileSize)
    throw new ChatError('UPLOAD_TOO_LARGE', `the file is ${file.size} bytes, more than upload-max-file-size (${rules.uploadMaxFileSize})`);
  if (used.uploadBytes + file.size > rules.uploadMaxTotalSize) {
    throw new ChatError(
      'UPLOAD_TOO_LARGE',
      `the files of this chat would total ${used.uploadBytes + file.size} bytes, more than upload-max-total-size (${rules.uploadMaxTotalSize})`,
    );
  }
  const extension = /\.([^./\\]+)$/.exec(file.name)?.[1]?.toLowerCase();
  if (!extension || !rules.uploadFileTypes.includes(extension)) {
    throw new ChatError('UPLOAD_TYPE_NOT_ALLOWED', `files of type "${extension ?? ''}" are not allowed; allowed: ${rules.uploadFileTypes.join(', ')}`);
  }
}

/** The mandatory keys of a `file-uploaded` notice: name, size, source, and the document id for UCS files. */
export function checkUploadNotice(userData: KvList | undefined): { name: string; size: number } {
  const value = (key: string) => (typeof userData?.[key] === 'string' ? (userData[key] as string) : undefined);
  const name = value(FILE_KEYS.name);
  const size = value(FILE_KEYS.size);
  const source = value(FILE_KEYS.source);
  if (!name || !size || !source) {
    throw new ChatError('INVALID_ARGUMENT', `a ${FILE_UPLOADED} notice needs ${FILE_KEYS.name}, ${FILE_KEYS.size} and ${FILE_KEYS.source} in its user data`);
  }
  if (!/^\d{1,15}$/.test(size)) throw new ChatError('INVALID_ARGUMENT', `${FILE_KEYS.size} must be a whole number of bytes`);
  if (source === 'ucs' && !value(FILE_KEYS.documentId)) throw new ChatError('INVALID_ARGUMENT', `a UCS file needs ${FILE_KEYS.documentId}`);
  return { name, size: Number(size) };
}

/** The live (not deleted) file of this session with `fileId`. */
export function findFile(transcript: readonly ChatEvent[], fileId: string): { event: ChatEvent; documentId: string; name: string } | undefined {
  let found: { event: ChatEvent; documentId: string; name: string } | undefined;
  for (const e of transcript) {
    if (e.kind !== 'notice' || e.noticeType !== 'SYS_COMMAND' || e.userData?.[FILE_KEYS.id] !== fileId) continue;
    if (e.text === FILE_UPLOADED) found = { event: e, documentId: String(e.userData[FILE_KEYS.documentId] ?? ''), name: String(e.userData[FILE_KEYS.name]) };
    if (e.text === FILE_DELETED) found = undefined;
  }
  return found;
}

/** The file-transfer limits and what this session has used, in the keys GMS clients read. */
export function fileLimits(state: SessionState, rules: SessionRules): Record<string, string> {
  return fileLimitsView(rules.files, state.files ?? NO_FILES_USED);
}

/** Refuses, before anything is stored, an upload the party may not make. */
export function checkUpload(state: SessionState, rules: SessionRules, party: Participant, file: { name: string; size: number }): void {
  if (party.protocol === 'FLEX') checkCustomerUpload(rules.files, state.files ?? NO_FILES_USED, file, hasLiveAgent(state));
}

/** Validates a `file-uploaded` notice, applies a customer's limits and counts it; its user data with the file id. */
export function acceptUpload(state: SessionState, rules: SessionRules, sender: Participant, userData: KvList | undefined): KvList {
  const file = checkUploadNotice(userData);
  const used = state.files ?? { ...NO_FILES_USED };
  if (sender.protocol === 'FLEX') checkCustomerUpload(rules.files, used, file, hasLiveAgent(state));
  state.files = {
    ...used,
    nextFileId: used.nextFileId + 1,
    ...(sender.protocol === 'FLEX' ? { uploads: used.uploads + 1, uploadBytes: used.uploadBytes + file.size } : {}),
  };
  return { ...userData, [FILE_KEYS.id]: String(used.nextFileId) };
}

/** A `file-deleted` notice names a live file of this chat; a customer may delete only its own files. */
export function checkDelete(state: SessionState, sender: Participant, userData: KvList | undefined): void {
  const fileId = userData?.[FILE_KEYS.id];
  const file = typeof fileId === 'string' ? findFile(state.transcript, fileId) : undefined;
  if (!file || !isVisibleTo(file.event, sender))
    throw new ChatError('FILE_NOT_FOUND', `a ${FILE_DELETED} notice needs the ${FILE_KEYS.id} of a file in this chat`);
  if (sender.protocol === 'FLEX' && file.event.userId !== sender.userId) throw new ChatError('FORBIDDEN', 'a customer may delete only its own files');
}

/** A download of a file posted in this session; a customer's downloads are counted against `download-attempts`. */
export function download(state: SessionState, rules: SessionRules, party: Participant, fileId: string): { documentId: string; name: string } {
  const file = findFile(state.transcript, fileId);
  if (!file || !file.documentId || !isVisibleTo(file.event, party)) throw new ChatError('FILE_NOT_FOUND', `no file ${fileId.slice(0, 40)} in this chat`);
  if (party.protocol === 'FLEX') {
    const used = state.files ?? { ...NO_FILES_USED };
    if (used.downloads >= rules.files.downloadAttempts) {
      throw new ChatError('DOWNLOAD_LIMIT', `at most ${rules.files.downloadAttempts} downloads are allowed in this chat`);
    }
    state.files = { ...used, downloads: used.downloads + 1 };
  }
  return { documentId: file.documentId, name: file.name };
}
