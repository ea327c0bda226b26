import { ChatError } from '../errors';
import { NOTICE_TYPES, type MessageEvent, type NoticeEvent, type NoticeType } from '../types';
import { activeParty, checkRoom, checkText, delivery } from './checks';
import type { Command } from './command';
import { SESSION_EVENTS } from './event-pipeline';
import { FILE_DELETED, FILE_UPLOADED, acceptUpload, checkDelete } from './file-transfer';
import { renameParty } from './parties';
import { READ_CONFIRM, confirmRead } from './read-confirmations';
import type { MessageRequest, NoticeRequest } from './requests';

/** Messages and notices parties send; a notice may carry a file, a nickname change or a read confirmation. */

/** Notice types a participant may send; idle-control notices come from the server only. */
const PARTY_NOTICES: readonly NoticeType[] = NOTICE_TYPES.filter((t) => !t.startsWith('IDLE_CONTROL_'));

export function sendMessage(command: Command, userId: string, request: MessageRequest): void {
  const { state, ctx } = command;
  const sender = activeParty(state, userId);
  checkText(ctx.rules, request.text, 'message text');
  checkRoom(state, ctx.rules);
  SESSION_EVENTS.append<MessageEvent>(command, sender, {
    kind: 'message',
    userId,
    text: request.text,
    ...(request.messageType ? { messageType: request.messageType } : {}),
    ...delivery(state, sender, request),
  });
}

export function sendNotice(command: Command, userId: string, request: NoticeRequest): void {
  const { state, ctx } = command;
  const sender = activeParty(state, userId);
  const noticeType = request.noticeType as NoticeType;
  if (!PARTY_NOTICES.includes(noticeType)) {
    throw new ChatError('INVALID_NOTICE_TYPE', `unknown notice type "${request.noticeType}"; expected one of ${PARTY_NOTICES.join(', ')}`);
  }
  const text = request.text ?? '';
  checkText(ctx.rules, text, 'notice text');
  checkRoom(state, ctx.rules);
  if (noticeType === 'PUSH_URL' && text.trim() === '') throw new ChatError('INVALID_ARGUMENT', 'a push URL notice needs the URL as its text');
  // Everything is checked before the steps below change anything, so a refused notice changes nothing.
  const sent = delivery(state, sender, request);
  if (noticeType === 'SYS_COMMAND' && text === FILE_UPLOADED) sent.userData = acceptUpload(state, ctx.rules, sender, sent.userData);
  if (noticeType === 'SYS_COMMAND' && text === FILE_DELETED) checkDelete(state, sender, sent.userData);
  if (noticeType === 'USER_UPDATE_NICK') renameParty(command, sender, text);
  if (noticeType === 'SYS_COMMAND' && text === READ_CONFIRM) confirmRead(state, sender, request.userData);
  SESSION_EVENTS.append<NoticeEvent>(command, sender, { kind: 'notice', userId, noticeType, text, ...sent });
}
