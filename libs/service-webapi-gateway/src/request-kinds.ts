import { CHAT_OPERATIONS } from '@ocs/gms-chat-v2';
import type { ClassifiedRequest, RequestApi, RequestClassifier } from '@ocs/observability';
import type { Request } from 'express';

/** Each label pair made once: classifying a request builds no string and no object. */
function kinds<K extends string>(api: RequestApi, operations: readonly K[]): ReadonlyMap<string, ClassifiedRequest> {
  return new Map(operations.map((operation) => [operation, { api, operation }]));
}

const REST = kinds('gms-rest', ['requestChat', 'chatNtf', ...CHAT_OPERATIONS]);
const REST_UNKNOWN: ClassifiedRequest = { api: 'gms-rest', operation: 'unknown' };
const FILE = kinds('file', ['limits', 'upload', 'download', 'delete', 'storeDocument', 'fetchDocument', 'unknown']);
const CHAT_PREFIX = '/genesys/2/chat/';

/**
 * The webapi-gateway's HTTP requests as the request metrics count them: the customer REST API (`gms-rest`, by
 * operation; a name that is no operation counts as `unknown`), its file transfer and the agents' documents
 * (`file`). CometD and the agent WebSocket are counted where their messages are handled; health and metrics not at all.
 */
export const webapiRequests: RequestClassifier = (req: Request) => {
  const path = req.path;
  if (path.startsWith(CHAT_PREFIX)) {
    // '', genesys, 2, chat, {serviceName}[, {chatId}, {operation}[, …]]
    const parts = path.split('/');
    if (parts.length <= 6) return REST.get('requestChat');
    if (parts[6] === 'file') return FILE.get(fileOperation(parts));
    return REST.get(parts[6]) ?? REST_UNKNOWN;
  }
  if (path === '/genesys/2/chat-ntf' || path === '/genesys/2/chat-ntf/') return REST.get('chatNtf');
  if (path.startsWith('/agent/documents')) return FILE.get(req.method === 'GET' ? 'fetchDocument' : 'storeDocument');
  return undefined;
};

/** `…/file` (upload), `…/file/limits`, `…/file/{fileId}/download`, `…/file/{fileId}/delete`. */
function fileOperation(parts: string[]): string {
  if (parts.length <= 7 || parts[7] === '') return 'upload';
  if (parts[7] === 'limits') return 'limits';
  return parts[8] === 'download' || parts[8] === 'delete' ? parts[8] : 'unknown';
}
