import { LEAVE_REASONS, type Participant } from '../types';
import { startAsync } from './async-status';
import { Command } from './command';
import { initialLanguage } from './language';
import { subscribesToPush } from './liveness';
import { sharedService } from './memory';
import { addParty, closeNow, removeParty } from './parties';
import { checkUserData } from './checks';
import { initialPassword } from './password';
import { hasLiveParty } from './presence';
import { restorePush, subscribe } from './push-notifications';
import { dropReadConfirmations } from './read-confirmations';
import type { CreateSessionRequest } from './requests';
import type { SessionContext, SessionState } from './state';

/** A session's beginning (its state and first party) and its restoration on another node. */

/** A new session with its first party: a customer, or an agent in outbound mode. */
export function createSession(ctx: SessionContext, request: CreateSessionRequest): { command: Command; creator: Participant } {
  const state: SessionState = {
    id: request.id,
    createdAt: ctx.clock.now(),
    status: 'ALIVE',
    participants: [],
    transcript: [],
    userData: {},
    nextEventId: 1,
  };
  const password = initialPassword(ctx, request.creator);
  if (password !== undefined) state.password = password;
  if (request.service) state.service = sharedService(request.service);
  state.userData = checkUserData(ctx.rules, request.userData ?? request.creator.userData ?? {});
  const language = initialLanguage(ctx.rules, state.userData);
  if (language !== undefined) state.language = language;
  const command = new Command(state, ctx);
  startAsync(command);
  // The session's user data is the creator's when no other is given: its join event shares the (unchanged) copy.
  const creator = addParty(command, request.creator, request.userData === undefined && request.creator.userData ? state.userData : undefined);
  if (creator.protocol === 'FLEX' && subscribesToPush(state.userData)) creator.pushSubscribed = true;
  if (creator.protocol === 'FLEX' && creator.userType === 'CLIENT') subscribe(state, creator, ctx.rules.push);
  return { command, creator };
}

/**
 * Makes a session loaded from storage on another node fit to serve (HA restoration): parties that were on a
 * persistent connection to the lost node are marked left (quit reason 8) and will join again; live
 * attachments are gone; read confirmations are dropped. Timers go on from their stored times. Push notifications go
 * on only with `session-restore-push-send` (push-notifications.ts).
 */
export function restore(command: Command): void {
  const { state } = command;
  state.restored = true;
  restorePush(state, command.ctx.rules.push, command.ctx.clock.now());
  for (const p of state.participants) {
    p.attachments = 0;
    if (p.present && p.protocol === 'BASIC') removeParty(command, p, LEAVE_REASONS.removed, '8', {});
  }
  dropReadConfirmations(state);
  if (state.status !== 'CLOSED' && !hasLiveParty(state)) closeNow(command, '8');
}
