import { FILE_DELETED, FILE_KEYS, FILE_UPLOADED, type NoticeRequest } from '@ocs/chat-domain';
import type { SessionView } from '@ocs/chat-engine';
import { GmsApiError } from './errors';
import { optionalString, stringMap, type Fields } from './requests';
import { toGmsMessage, toGmsResponse, type CustomerIdentity, type GmsResponse } from './response';

/**
 * File transfer in GMS Chat API v2 terms: the Get File Limits reply, the notices an upload and a delete post,
 * the operations of the CometD-mode endpoint `/genesys/2/chat-ntf`, and the header a download is sent with.
 */

/** Text of the notice that carries the limits in the Get File Limits reply (GMS answers with it; GMSLIB looks for it). */
export const FILE_LIMITS_NOTICE = 'file-client-cfg-get';

/**
 * The Get File Limits reply: the reader's session state, `messages[0]` a Notice from the customer with text
 * `file-client-cfg-get` and the limits in its `userData`, and the same map in the top-level `userData` (clients
 * read either). The notice is no transcript entry: its `index` is 0, which no entry has, so clients that keep
 * entries by index never mistake it for one. `view` must hold an event of the reader (reading from 0 does).
 */
export function fileLimitsResponse(view: SessionView, limits: Record<string, string>, identity: CustomerIdentity, at: number): GmsResponse {
  const own = [...view.events].reverse().find((e) => e.from.userId === view.userId);
  if (!own) throw new Error('the reader has no event of its own in the view');
  const notice = { from: toGmsMessage(own).from, index: 0, type: 'Notice', text: FILE_LIMITS_NOTICE, utcTime: at, userData: { ...limits } };
  return { ...toGmsResponse({ ...view, events: [] }, identity), messages: [notice], userData: { ...limits } };
}

/**
 * The `file-uploaded` notice for a file stored in UCS. The client's `userData[…]` (`file-description` and its own
 * keys) ride along; the keys that describe the stored file are the server's and cannot be overridden.
 */
export function fileUploadedNotice(document: { documentId: string; name: string; size: number }, fields: Fields): NoticeRequest {
  return {
    noticeType: 'SYS_COMMAND',
    text: FILE_UPLOADED,
    userData: {
      ...stringMap(fields, 'userData'),
      [FILE_KEYS.name]: document.name,
      [FILE_KEYS.size]: String(document.size),
      [FILE_KEYS.source]: 'ucs',
      [FILE_KEYS.documentId]: document.documentId,
      [FILE_KEYS.uploadType]: 'file-system',
    },
  };
}

export function fileDeletedNotice(fileId: string): NoticeRequest {
  return { noticeType: 'SYS_COMMAND', text: FILE_DELETED, userData: { [FILE_KEYS.id]: fileId } };
}

/** The reply to a stored upload: `userData["file-id"]` names the file in the chat. */
export function fileUploadedResponse(response: GmsResponse, fileId: string): GmsResponse {
  return { ...response, userData: { [FILE_KEYS.id]: fileId } };
}

export type FileOperation = 'limits' | 'upload' | 'download' | 'delete';

/** `operation` values of `/genesys/2/chat-ntf`; GMSLIB spells the limits request `fileGetsLimits`. */
const NTF_OPERATIONS: Readonly<Record<string, FileOperation>> = {
  fileGetLimits: 'limits',
  fileGetsLimits: 'limits',
  fileUpload: 'upload',
  fileDownload: 'download',
  fileDelete: 'delete',
};

/** The file operation a `/genesys/2/chat-ntf` request asks for. GMSLIB sends an upload without `operation`. */
export function ntfOperation(fields: Fields, hasFile: boolean): FileOperation {
  const name = optionalString(fields, 'operation');
  if (name === undefined && hasFile) return 'upload';
  if (name !== undefined && Object.hasOwn(NTF_OPERATIONS, name)) return NTF_OPERATIONS[name];
  const expected = Object.keys(NTF_OPERATIONS).join(', ');
  throw new GmsApiError(
    400,
    400,
    name === undefined ? `operation is required; expected one of ${expected}` : `unknown operation "${name.slice(0, 40)}"; expected one of ${expected}`,
  );
}

/** RFC 5987 `attr-char`: what may stand unescaped in `filename*`. */
const ATTR_CHAR = /^[A-Za-z0-9!#$&+.^_`|~-]$/;

/**
 * `Content-Disposition` of a download: always an attachment (never shown inline), with the name as UTF-8 in
 * `filename*` (RFC 6266) and an ASCII stand-in in `filename` for old clients. Safe for any name: quotes,
 * backslashes, control characters and broken UTF-16 cannot break out of the header.
 */
export function attachmentDisposition(fileName: string): string {
  let encoded = '';
  for (const byte of Buffer.from(fileName, 'utf8')) {
    const char = String.fromCharCode(byte);
    encoded += ATTR_CHAR.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
