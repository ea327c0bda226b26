import { ChatError } from '../errors';
import { NOTICE_TYPES, type MessageEvent, type NoticeEvent, type NoticeType, type Participant } from '../types';
import { checkRate, eventBytes, spend, type RateBucket } from './budget';
import { activeParty, checkRoom, checkText, delivery } from './checks';
import { rememberMessageId } from './client-message-ids';
import type { Command } from './command';
import { SESSION_EVENTS, type EventInput } from './event-pipeline';
import { FILE_DELETED, FILE_UPLOADED, acceptUpload, checkDelete } from './file-transfer';
import { checkMessageType } from './input';
import { renameParty } from './parties';
import { CONFIGURE_SESSION, noticeLanguage, setLanguage } from './language';
import { READ_CONFIRM, confirmRead } from './read-confirmations';
import type { MessageRequest, NoticeRequest } from './requests';

/** Messages and notices parties send; a notice may carry a file, a nickname change or a read confirmation. */

/** Notice types a participant may send; idle-control notices come from the server only. */
const PARTY_NOTICES: readonly NoticeType[] = NOTICE_TYPES.filter((t) => !t.startsWith('IDLE_CONTROL_'));

/** Notices real clients send often and on their own: they take from a rate bucket of their own (budget.ts). */
const TYPING_NOTICES: readonly NoticeType[] = ['TYPING_STARTED', 'TYPING_STOPPED'];

export function sendMessage(command: Command, userId: string, request: MessageRequest): void {
  const { state, ctx } = command;
  const sender = activeParty(state, userId);
  const text = checkText(ctx.rules, request.text, 'message text');
  const messageType = request.messageType !== undefined ? checkMessageType(ctx.rules.input, request.messageType) : undefined;
  const input: EventInput<MessageEvent> = {
    kind: 'message',
    userId,
    text,
    ...(messageType ? { messageType } : {}),
    ...delivery(state, ctx.rules, sender, request),
  };
  const pace = checkRate(ctx.rules.input, sender, ctx.clock.now(), 'send');
  checkRoom(state, ctx.rules, eventBytes(input));
  const stored = SESSION_EVENTS.append<MessageEvent>(command, sender, input);
  spend(sender, 'send', pace);
  if (request.clientMessageId !== undefined) rememberMessageId(sender, request.clientMessageId, stored.position);
}

export function sendNotice(command: Command, userId: string, request: NoticeRequest): void {
  const { state, ctx } = command;
  const sender = activeParty(state, userId);
  const noticeType = request.noticeType as NoticeType;
  if (!PARTY_NOTICES.includes(noticeType)) {
    throw new ChatError('INVALID_NOTICE_TYPE', `unknown notice type "${request.noticeType}"; expected one of ${PARTY_NOTICES.join(', ')}`);
  }
  let text = checkText(ctx.rules, request.text ?? '', 'notice text');
  if (noticeType === 'PUSH_URL' && text.trim() === '') throw new ChatError('INVALID_ARGUMENT', 'a push URL notice needs the URL as its text');
  const sent = delivery(state, ctx.rules, sender, request);
  const bucket: RateBucket = TYPING_NOTICES.includes(noticeType) || (noticeType === 'SYS_COMMAND' && text === READ_CONFIRM) ? 'typing' : 'send';
  const pace = checkRate(ctx.rules.input, sender, ctx.clock.now(), bucket);
  // Room for the notice as sent: the steps below add a file id or shorten a nickname, a few bytes at most.
  checkRoom(state, ctx.rules, eventBytes({ text, ...sent }));
  // Everything is checked before the steps below change anything, so a refused notice changes nothing.
  if (noticeType === 'SYS_COMMAND' && text === FILE_UPLOADED) sent.userData = acceptUpload(state, ctx.rules, sender, sent.userData);
  if (noticeType === 'SYS_COMMAND' && text === FILE_DELETED) checkDelete(state, sender, sent.userData);
  if (noticeType === 'USER_UPDATE_NICK') text = renameParty(command, sender, text);
  if (noticeType === 'SYS_COMMAND' && text === READ_CONFIRM) confirmRead(state, sender, request.userData);
  const language =
    noticeType === 'SYS_COMMAND' && text === CONFIGURE_SESSION ? configuringParty(sender, () => noticeLanguage(ctx.rules, sent.userData)) : undefined;
  SESSION_EVENTS.append<NoticeEvent>(command, sender, { kind: 'notice', userId, noticeType, text, ...sent });
  if (language !== undefined) setLanguage(command, language);
  spend(sender, bucket, pace);
}

/** A `configure-session` notice comes from a customer or an agent (the chat widget or the desktop). */
function configuringParty<T>(sender: Participant, read: () => T): T {
  if (sender.userType !== 'CLIENT' && sender.userType !== 'AGENT' && sender.userType !== 'SUPERVISOR') {
    throw new ChatError('FORBIDDEN', `a ${CONFIGURE_SESSION} notice comes from a customer or an agent`);
  }
  return read();
}
