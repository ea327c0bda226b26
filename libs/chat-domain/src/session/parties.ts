import { setKv } from '../kv';
import {
  LEAVE_REASONS,
  MIN_CLIENT_VERSION,
  type AfterAction,
  type KvList,
  type LeaveReason,
  type NewPartyEvent,
  type Participant,
  type PartyLeftEvent,
  type QuitReasonCode,
} from '../types';
import { closeAsync, setAsyncStatus } from './async-status';
import { activeParty, assertAlive, checkAttributes, checkClientVersion, checkNickname, checkText, checkUserData, checkVisibility } from './checks';
import type { Command } from './command';
import { SESSION_EVENTS } from './event-pipeline';
import { appended } from './memory';
import { checkJoin, type JoinScope } from './access';
import { hasLiveAgent, hasLiveParty, presentParticipants } from './presence';
import { dropReadConfirmations } from './read-confirmations';
import type { JoinRequest, LeaveOptions } from './requests';
import { ASYNC_STATUS } from './state';

/** Parties joining, renaming, leaving and being removed, and the session closing when they are gone. */

export const SET_PARTY_STYLE_KEY = 'GCTI_Chat_SetPartyStyle';
export const PARTY_STYLE_KEY = 'GCTI_Chat_PartyStyle';
export const ORIGINAL_NICKNAME_KEY = 'GCTI_Original_Nickname';
const QUIT_REASON_PATH = ['GCTI_SYSTEM', 'quit-reason-code'] as const;

/** Adds a party; with a session password it must be presented in `GCTI_Chat_SessionPassword`, unless `scope` waives it. */
export function join(command: Command, request: JoinRequest, scope?: JoinScope): Participant {
  assertAlive(command.state);
  checkJoin(command.state, request, scope);
  return addParty(command, request);
}

/** `checkedUserData`: the request's user data as `checkUserData` makes it, when the caller has it already. */
export function addParty(command: Command, request: JoinRequest, checkedUserData?: KvList): Participant {
  const { state, ctx } = command;
  const now = ctx.clock.now();
  const visibility = request.visibility ?? 'ALL';
  checkVisibility(request.userType, visibility, 'join');
  const clientVersion = checkClientVersion(request.clientVersion ?? MIN_CLIENT_VERSION);
  const nickname = checkNickname(ctx.rules, request.nickname);
  const text = request.text !== undefined ? checkText(ctx.rules, request.text, 'join text') : undefined;
  let userData = checkedUserData ?? (request.userData ? checkUserData(ctx.rules, request.userData) : undefined);
  const eventAttributes = request.eventAttributes ? checkAttributes(ctx.rules, request.eventAttributes) : undefined;
  const isBot = (request.userType === 'AGENT' || request.userType === 'SUPERVISOR') && request.userData?.[SET_PARTY_STYLE_KEY] === 'BOT';
  const participant: Participant = {
    userId: ctx.ids.userId(),
    partyNumber: state.participants.length + 1,
    userType: request.userType,
    nickname,
    visibility,
    protocol: request.protocol,
    clientVersion,
    isBot,
    present: true,
    joinedAt: now,
    joinPosition: state.transcript.length,
    lastRequestAt: now,
    attachments: 0,
    secureKey: ctx.ids.secret(),
  };
  // Optional keys assigned, not spread into the literal: its fields then stay inside the object.
  if (request.personId) participant.personId = request.personId;
  if (request.timeZoneOffset !== undefined) participant.timeZoneOffset = request.timeZoneOffset;
  state.participants = appended(state.participants, participant);
  if (isBot) userData = { ...userData, [PARTY_STYLE_KEY]: 'BOT' };
  SESSION_EVENTS.append<NewPartyEvent>(command, participant, {
    kind: 'newParty',
    userId: participant.userId,
    userType: participant.userType,
    protocol: participant.protocol,
    clientVersion,
    visibility,
    ...(participant.personId ? { personId: participant.personId } : {}),
    ...(participant.timeZoneOffset !== undefined ? { timeZoneOffset: participant.timeZoneOffset } : {}),
    ...(text !== undefined ? { text } : {}),
    ...(userData ? { userData } : {}),
    ...(eventAttributes ? { eventAttributes } : {}),
  });
  return participant;
}

/** A nickname change (`USER_UPDATE_NICK`): the party's join event keeps the original nickname. Returns the new one. */
export function renameParty(command: Command, party: Participant, nickname: string): string {
  const checked = checkNickname(command.ctx.rules, nickname);
  const joined = command.state.transcript[party.joinPosition];
  if (joined.userData?.[ORIGINAL_NICKNAME_KEY] === undefined) {
    joined.userData = { ...joined.userData, [ORIGINAL_NICKNAME_KEY]: party.nickname };
  }
  party.nickname = checked;
  return checked;
}

/** A party releases itself, with an after-action deciding the fate of the session. */
export function leave(command: Command, userId: string, afterAction: AfterAction, options: LeaveOptions): void {
  const party = activeParty(command.state, userId);
  const reason =
    afterAction === 'FORCE_CLOSE' ? LEAVE_REASONS.forceClose : afterAction === 'CLOSE_IF_NO_AGENTS' ? LEAVE_REASONS.closeIfNoAgents : LEAVE_REASONS.left;
  const { rules } = command.ctx;
  const given: LeaveOptions = {
    ...(options.text !== undefined ? { text: checkText(rules, options.text, 'leave text') } : {}),
    ...(options.userData ? { userData: checkUserData(rules, options.userData) } : {}),
    ...(options.eventAttributes ? { eventAttributes: checkAttributes(rules, options.eventAttributes) } : {}),
  };
  const { transferred } = options;
  removeParty(command, party, reason, '0', given);
  if (transferred && party.userType === 'AGENT') setAsyncStatus(command, ASYNC_STATUS.transferred);
  const close = afterAction === 'FORCE_CLOSE' || (afterAction === 'CLOSE_IF_NO_AGENTS' && !hasLiveAgent(command.state)) || !hasLiveParty(command.state);
  if (close) closeNow(command, '4', userId);
}

/** The server removes a party; the session closes when nobody is left. */
export function removeBySystem(command: Command, userId: string, quitReasonCode: Exclude<QuitReasonCode, '0' | '4'>): void {
  const party = activeParty(command.state, userId);
  removeParty(command, party, quitReasonCode === '3' ? LEAVE_REASONS.disconnect : LEAVE_REASONS.removed, quitReasonCode, {});
  if (quitReasonCode === '3' && party.userType === 'AGENT' && !party.isBot) setAsyncStatus(command, ASYNC_STATUS.agentDropped);
  if (!hasLiveParty(command.state)) closeNow(command, quitReasonCode);
}

/** Marks `party` left, with the reason and quit reason code in its party-left event; `options` are checked already, and kept. */
export function removeParty(
  command: Command,
  party: Participant,
  reason: LeaveReason,
  quitReasonCode: QuitReasonCode,
  options: LeaveOptions & { askerId?: string },
): void {
  const attributes = setKv(options.eventAttributes ?? {}, QUIT_REASON_PATH, quitReasonCode);
  const event = SESSION_EVENTS.append<PartyLeftEvent>(command, party, {
    kind: 'partyLeft',
    userId: party.userId,
    visibility: party.visibility,
    reason: { ...reason },
    quitReasonCode,
    eventAttributes: attributes,
    ...(options.askerId ? { askerId: options.askerId } : {}),
    ...(options.text !== undefined ? { text: options.text } : {}),
    ...(options.userData ? { userData: options.userData } : {}),
  });
  party.present = false;
  party.leftAt = event.at;
  party.leftPosition = event.position;
  dropReadConfirmations(command.state, party.userId);
}

/** Removes every present party and closes the session. */
export function closeNow(command: Command, quitReasonCode: QuitReasonCode, askerId?: string): void {
  for (const p of presentParticipants(command.state)) {
    removeParty(command, p, LEAVE_REASONS.removed, quitReasonCode, askerId ? { askerId } : {});
  }
  command.state.status = 'CLOSED';
  command.state.closedAt = command.ctx.clock.now();
  closeAsync(command);
}
