import { FILE_DELETED, FILE_UPLOADED, type ChatEvent, type KvList, type NoticeEvent, type NoticeType, type SessionState } from '@ocs/chat-domain';

/** Which notices a saved transcript keeps, like Chat Server's `transcript-save-notices`. */
export type SaveNotices = 'all' | 'major' | 'none';

export interface TranscriptXmlOptions {
  /** Default `major`: push URLs, custom notices, file notices and idle control; no typing, nickname or read confirmations. */
  saveNotices?: SaveNotices;
}

const MAJOR_NOTICES: readonly NoticeType[] = ['PUSH_URL', 'USER_CUSTOM', 'IDLE_CONTROL_ALERT', 'IDLE_CONTROL_CLOSE', 'IDLE_CONTROL_SET'];
const FILE_COMMANDS: readonly string[] = [FILE_UPLOADED, FILE_DELETED];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };
/** What XML 1.0 cannot carry at all, not even as a character reference: dropped. */
// eslint-disable-next-line no-control-regex -- these control characters are exactly what must go
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/gu;

/**
 * The session as UCS stores a chat transcript (`chatTranscript`, mime `text/xml`), in the shape Chat Server
 * writes it: one element per line, `timeShift` in whole seconds since `startAt`, annihilated events left out.
 */
export function toChatTranscriptXml(state: SessionState, options: TranscriptXmlOptions = {}): string {
  const saveNotices = options.saveNotices ?? 'major';
  const startSecond = Math.floor(state.createdAt / 1000);
  const startAt = `${new Date(startSecond * 1000).toISOString().slice(0, 19)}Z`;
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', startTag('chatTranscript', { startAt, sessionId: state.id })];
  for (const event of state.transcript) {
    if (event.annihilated || (event.kind === 'notice' && !keepsNotice(event, saveNotices))) continue;
    lines.push(...eventLines(event, Math.floor(event.at / 1000) - startSecond));
  }
  lines.push('</chatTranscript>');
  return lines.join('\n');
}

function keepsNotice(notice: NoticeEvent, saveNotices: SaveNotices): boolean {
  if (saveNotices !== 'major') return saveNotices === 'all';
  return MAJOR_NOTICES.includes(notice.noticeType) || (notice.noticeType === 'SYS_COMMAND' && FILE_COMMANDS.includes(notice.text));
}

function eventLines(event: ChatEvent, timeShift: number): string[] {
  const attributes = {
    userId: event.userId,
    timeShift: String(timeShift),
    visibility: event.visibility,
    eventId: String(event.eventId),
    receiverId: event.receiverId,
    // Chat Server names the leaving party itself when nobody else asked it to leave.
    askerId: event.kind === 'partyLeft' ? (event.askerId ?? event.userId) : undefined,
  };
  return [
    startTag(event.kind, attributes),
    ...content(event),
    ...kvLines('userData', event.userData),
    ...kvLines('eventAttributes', event.eventAttributes),
    `</${event.kind}>`,
  ];
}

function content(event: ChatEvent): string[] {
  switch (event.kind) {
    case 'newParty':
      return [
        element('userInfo', {
          personId: event.personId ?? '',
          userNick: event.nickname,
          userType: event.userType,
          protocolType: event.protocol,
          timeZoneOffset: String(event.timeZoneOffset ?? 0),
          // Workflow (ESP) parties negotiate no client version.
          clientVersion: event.protocol === 'ESP' ? undefined : String(event.clientVersion),
        }),
        ...messageText(event.text),
      ];
    case 'message':
      return messageText(event.text, event.messageType);
    case 'notice':
      return [element('noticeText', { noticeType: event.noticeType }, event.text)];
    case 'partyLeft':
      return [element('reason', { code: event.reason.code?.toString() }, event.reason.text), ...messageText(event.text)];
  }
}

function messageText(text: string | undefined, msgType?: string): string[] {
  return text === undefined ? [] : [element('msgText', { msgType }, text)];
}

function kvLines(name: string, list: KvList | undefined): string[] {
  return list && Object.keys(list).length > 0 ? [`<${name}>`, ...items(list), `</${name}>`] : [];
}

function items(list: KvList): string[] {
  return Object.entries(list).flatMap(([key, value]) =>
    typeof value === 'string' ? [element('item', { key, type: 'string' }, value)] : [startTag('item', { key, type: 'kvlist' }), ...items(value), '</item>'],
  );
}

/** `<name …>text</name>`, or `<name … />` without text; attributes without a value are left out. */
function element(name: string, attributes: Record<string, string | undefined>, text?: string): string {
  const start = startTag(name, attributes);
  return text === undefined ? `${start.slice(0, -1)} />` : `${start}${escape(text, /[&<>"'\r]/g)}</${name}>`;
}

function startTag(name: string, attributes: Record<string, string | undefined>): string {
  const written = Object.entries(attributes).flatMap(([key, value]) => (value === undefined ? [] : [` ${key}="${escape(value, /[&<>"'\t\n\r]/g)}"`]));
  return `<${name}${written.join('')}>`;
}

/** Escapes markup (in attributes also tabs and line ends, which parsers would turn into spaces); Unicode stays as is. */
function escape(value: string, special: RegExp): string {
  return value.replace(NOT_XML, '').replace(special, (c) => ESCAPES[c]);
}
