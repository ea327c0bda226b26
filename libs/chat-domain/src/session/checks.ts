import { ChatError } from '../errors';
import { utf8Length } from '../kv';
import type { SessionRules } from '../rules';
import {
  MAX_CLIENT_VERSION,
  MIN_CLIENT_VERSION,
  VISIBILITIES,
  type KvList,
  type MessageEvent,
  type Participant,
  type UserType,
  type Visibility,
} from '../types';
import { mayRead, mayUseVisibility } from '../visibility';
import { RESERVED_ATTRIBUTES_KEY, boundedKv, cleanName, cleanText, longerThan } from './input';
import { SESSION_PASSWORD_KEY } from './password';
import { findParticipant } from './presence';
import type { SendOptions } from './requests';
import type { SessionState } from './state';

/** The checks a request passes before it changes anything: each refuses with a ChatError naming the problem. */

export function assertAlive(state: SessionState): void {
  if (state.status === 'CLOSED') throw new ChatError('SESSION_CLOSED', `session ${state.id} is closed`);
}

/** The present party `userId` of a live session. */
export function activeParty(state: SessionState, userId: string): Participant {
  assertAlive(state);
  const party = findParticipant(state, userId);
  if (!party) throw new ChatError('NOT_A_PARTICIPANT', `user ${userId} is not a party of session ${state.id}`);
  if (!party.present) throw new ChatError('PARTICIPANT_LEFT', `user ${userId} has left session ${state.id}`);
  return party;
}

/** Room for one more message or notice of `bytes` (`transcript-max-events`, `transcript-max-size`). */
export function checkRoom(state: SessionState, rules: SessionRules, bytes: number): void {
  if (state.transcript.length >= rules.transcriptMaxEvents) {
    throw new ChatError('TRANSCRIPT_FULL', `session ${state.id} has reached transcript-max-events (${rules.transcriptMaxEvents})`);
  }
  const max = rules.input.transcriptMaxSize;
  if ((state.transcriptBytes ?? 0) + bytes > max) {
    throw new ChatError('TRANSCRIPT_FULL', `session ${state.id} has no room for ${bytes} more bytes within transcript-max-size (${max})`);
  }
}

/** A text within `message-max-size` UTF-8 bytes, without the control characters it may not keep (input.ts). */
export function checkText(rules: SessionRules, text: unknown, what: string): string {
  if (typeof text !== 'string') throw new ChatError('INVALID_ARGUMENT', `${what} must be a string`);
  const size = utf8Length(text);
  if (size > rules.messageMaxSize) {
    throw new ChatError('TEXT_TOO_LONG', `${what} is ${size} bytes, more than message-max-size (${rules.messageMaxSize})`);
  }
  return cleanText(text);
}

/** A nickname, not empty and within `nickname-max-length` characters once its control characters are gone. */
export function checkNickname(rules: Pick<SessionRules, 'nicknameMaxLength'>, nickname: unknown): string {
  if (typeof nickname !== 'string') throw new ChatError('INVALID_ARGUMENT', 'nickname must not be empty');
  if (longerThan(nickname, rules.nicknameMaxLength)) {
    throw new ChatError('TEXT_TOO_LONG', `nickname is longer than nickname-max-length (${rules.nicknameMaxLength})`);
  }
  const clean = cleanName(nickname);
  if (clean.trim() === '') throw new ChatError('INVALID_ARGUMENT', 'nickname must not be empty');
  return clean;
}

/** A party's user data, bounded and cleaned (input.ts), without the session password. */
export function checkUserData(rules: SessionRules, userData: KvList): KvList {
  return boundedKv(rules.input, userData, 'user data', { omit: SESSION_PASSWORD_KEY });
}

/** A party's event attributes, bounded and cleaned, without `GCTI_SYSTEM`: only the server writes it. */
export function checkAttributes(rules: SessionRules, eventAttributes: KvList): KvList {
  return boundedKv(rules.input, eventAttributes, 'event attributes', { omit: RESERVED_ATTRIBUTES_KEY });
}

/** A visibility the party's user type may `join` with or `send` with. */
export function checkVisibility(userType: UserType, visibility: Visibility, action: 'join' | 'send'): void {
  if (!VISIBILITIES.includes(visibility)) throw new ChatError('INVALID_VISIBILITY', `unknown visibility "${visibility}"; expected ALL, INT or VIP`);
  if (!mayUseVisibility(userType, visibility)) {
    throw new ChatError('INVALID_VISIBILITY', `a ${userType} party cannot ${action} with visibility ${visibility}`);
  }
}

/** A supported protocol version (`ClientVersion`). */
export function checkClientVersion(clientVersion: number): number {
  if (!Number.isInteger(clientVersion) || clientVersion < MIN_CLIENT_VERSION || clientVersion > MAX_CLIENT_VERSION) {
    throw new ChatError('INVALID_CLIENT_VERSION', `client version ${clientVersion} is not supported; expected ${MIN_CLIENT_VERSION} to ${MAX_CLIENT_VERSION}`);
  }
  return clientVersion;
}

/** Who a message or notice goes to, checked: its visibility, its receiver when direct, and its data. */
export function delivery(
  state: SessionState,
  rules: SessionRules,
  sender: Participant,
  request: SendOptions,
): Pick<MessageEvent, 'visibility' | 'receiverId' | 'userData' | 'eventAttributes'> {
  const visibility = request.visibility ?? sender.visibility;
  checkVisibility(sender.userType, visibility, 'send');
  if (request.receiverId !== undefined) {
    if (sender.protocol === 'FLEX') throw new ChatError('FORBIDDEN', 'direct messages are available to agent-side parties only');
    const receiver = findParticipant(state, request.receiverId);
    if (!receiver || !receiver.present) throw new ChatError('NOT_A_PARTICIPANT', `receiver ${request.receiverId} is not a present party of this session`);
    if (!mayRead(receiver.userType, visibility)) {
      throw new ChatError('INVALID_VISIBILITY', `a ${receiver.userType} receiver cannot see visibility ${visibility}`);
    }
  }
  return {
    visibility,
    ...(request.receiverId !== undefined ? { receiverId: request.receiverId } : {}),
    ...(request.userData ? { userData: checkUserData(rules, request.userData) } : {}),
    ...(request.eventAttributes ? { eventAttributes: checkAttributes(rules, request.eventAttributes) } : {}),
  };
}
