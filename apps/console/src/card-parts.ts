import { AgentRefusal, type WireEvent } from './agent-channel.js';

/** The supervisor's modes, and the after-actions an agent ends a chat with. */
export type Visibility = 'ALL' | 'INT' | 'VIP';
export const MODES: Array<{ visibility: Visibility; label: string }> = [
  { visibility: 'VIP', label: 'Monitor' },
  { visibility: 'INT', label: 'Coach' },
  { visibility: 'ALL', label: 'Barge in' },
];
export const AFTER_ACTIONS = [
  ['CLOSE_IF_NO_AGENTS', 'Close if no agent stays'],
  ['FORCE_CLOSE', 'Close the chat'],
  ['KEEP_ALIVE', 'Leave, keep the chat open'],
] as const;

/** What a chat card shows of events, and the agent document store (docs/api/file-transfer.md) it sends files with. */

/** Stores `file` for the agent; answers the user data of the `file-uploaded` notice that posts it. */
export async function storeDocument(base: string, token: string, file: File): Promise<Record<string, string>> {
  const form = new FormData();
  form.append('file', file, file.name);
  const response = await fetch(`${base}/agent/documents`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
  const stored = (await response.json()) as { documentId?: string; size?: number; message?: string };
  if (!response.ok || !stored.documentId) throw new AgentRefusal('FILE', stored.message ?? 'the file was refused');
  return {
    'file-name': file.name,
    'file-size': String(stored.size ?? file.size),
    'file-source': 'ucs',
    'file-document-id': stored.documentId,
    'file-upload-type': 'file-system',
  };
}

export async function fetchDocument(base: string, token: string, documentId: string): Promise<Blob> {
  const response = await fetch(`${base}/agent/documents/${encodeURIComponent(documentId)}`, { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) throw new AgentRefusal('FILE', 'The file could not be fetched.');
  return response.blob();
}

export function isFile(e: WireEvent): boolean {
  return e.kind === 'notice' && e.noticeType === 'SYS_COMMAND' && e.text === 'file-uploaded';
}

export function describe(e: WireEvent, mine: boolean): string {
  const who = mine ? 'You' : e.nickname;
  switch (e.kind) {
    case 'newParty':
      return `${who} joined${e.visibility === 'ALL' ? '' : e.visibility === 'INT' ? ' (coaching)' : ' (monitoring)'}`;
    case 'partyLeft':
      return `${who} left`;
    default:
      return e.noticeType === 'USER_UPDATE_NICK' ? `${e.nickname} is now called ${e.text ?? ''}` : (e.text ?? e.noticeType ?? '');
  }
}
