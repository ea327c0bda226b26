import { ChatError } from '../errors';
import { MAX_CLIENT_VERSION } from '../types';
import { restartIdle, setAsyncStatus } from './async-status';
import { assertAlive } from './checks';
import type { Command } from './command';
import { cleanName } from './input';
import { sendMessage, sendNotice } from './messaging';
import { addParty, closeNow } from './parties';
import { hasLiveAgent } from './presence';
import type { MessageRequest, NoticeRequest } from './requests';
import { requestedLanguage, setLanguage } from './language';
import { ASYNC_STATUS } from './state';

/** What a workflow (ESP) does to a session: posts as an external party, holds, closes and configures it. */

/** ESP `Message`: posted by the workflow's EXTERNAL party with this nickname. */
export function externalMessage(command: Command, nickname: string, request: MessageRequest): void {
  asExternal(command, nickname, (userId) => sendMessage(command, userId, request));
}

/** ESP `Notice`: `USER_PUSHED_URL` (a push URL) or `USER_CUSTOM`. */
export function externalNotice(command: Command, nickname: string, request: NoticeRequest): void {
  const noticeType = request.noticeType === 'USER_PUSHED_URL' ? 'PUSH_URL' : request.noticeType;
  if (noticeType !== 'PUSH_URL' && noticeType !== 'USER_CUSTOM') {
    throw new ChatError('INVALID_NOTICE_TYPE', `notice type "${request.noticeType}" cannot be sent by a workflow; expected USER_PUSHED_URL or USER_CUSTOM`);
  }
  asExternal(command, nickname, (userId) => sendNotice(command, userId, { ...request, noticeType }));
}

/**
 * Runs `send` as the workflow's party with this nickname, joined on its first request. It never keeps a
 * session alive. A party joined for a request that is then refused is taken back: a refused request changes nothing.
 */
function asExternal(command: Command, nickname: string, send: (userId: string) => void): void {
  const { state } = command;
  assertAlive(state);
  // Compared as it is stored: without control characters (input.ts).
  const clean = cleanName(nickname);
  const name = clean.trim() === '' ? 'system' : clean;
  const existing = state.participants.find((p) => p.present && p.protocol === 'ESP' && p.nickname === name);
  if (existing) {
    send(existing.userId);
    return;
  }
  const mark = command.mark();
  const party = addParty(command, { userType: 'EXTERNAL', protocol: 'ESP', nickname: name, clientVersion: MAX_CLIENT_VERSION });
  try {
    send(party.userId);
  } catch (error) {
    command.rollback(mark);
    throw error;
  }
}

/** ESP `PlaceOnHold`: the async session's status is -2 until the customer writes. */
export function placeOnHold(command: Command): void {
  const { state } = command;
  assertAlive(state);
  const a = state.async;
  if (!a) throw new ChatError('NOT_ASYNC', `session ${state.id} is not an async session`);
  a.onHold = true;
  setAsyncStatus(command, ASYNC_STATUS.onHold);
}

/** ESP `CloseSession`: closes the session, or with `closeIfNoAgents` only when no agent is present. */
export function closeSession(command: Command, closeIfNoAgents: boolean): void {
  assertAlive(command.state);
  if (closeIfNoAgents && hasLiveAgent(command.state)) return;
  closeNow(command, '5');
}

/**
 * ESP `ConfigureSession`: the language of the session, and `async-idle-reset` restarting async idle timing. As the
 * guide's method table says, a `GCTI_LanguageCode` present makes the other parameters ignored. A language that is not
 * configured, or a malformed code, is refused and changes nothing.
 */
export function configureSession(command: Command, options: { asyncIdleReset?: boolean; languageCode?: string; languageName?: string }): void {
  const { state, ctx } = command;
  assertAlive(state);
  if (options.languageCode !== undefined) {
    setLanguage(command, requestedLanguage(ctx.rules, { code: options.languageCode }, false));
    return;
  }
  if (options.languageName !== undefined) setLanguage(command, requestedLanguage(ctx.rules, { name: options.languageName }, true));
  const a = state.async;
  if (options.asyncIdleReset && a) restartIdle(command, a, ctx.clock.now());
}
