import { ChatError } from '../errors';
import { cloneKv, sameSecret } from '../kv';
import type { KvList } from '../types';
import type { JoinRequest } from './requests';
import type { SessionContext, SessionState } from './state';

/**
 * The session password (`session-password-enforce`, or a basic-protocol creator's own): every later join must
 * present it in this user-data key, and it never shows in the transcript or the session's user data.
 */
export const SESSION_PASSWORD_KEY = 'GCTI_Chat_SessionPassword';

/** The password of a new session: the creator's own (basic protocol), else a generated one when enforced. */
export function initialPassword(ctx: SessionContext, creator: JoinRequest): string | undefined {
  const own = creator.userData?.[SESSION_PASSWORD_KEY];
  if (typeof own === 'string' && own !== '' && creator.protocol === 'BASIC') return own;
  return ctx.rules.sessionPasswordEnforce ? ctx.ids.secret() : undefined;
}

/** Refuses a join that does not present the session's password. */
export function checkPassword(state: SessionState, request: JoinRequest): void {
  if (state.password === undefined) return;
  const given = request.userData?.[SESSION_PASSWORD_KEY];
  if (typeof given !== 'string' || !sameSecret(given, state.password)) {
    throw new ChatError('SESSION_PASSWORD_REQUIRED', `joining this session requires the session password in ${SESSION_PASSWORD_KEY}`);
  }
}

/** A copy of `userData` without the password. */
export function stripPassword(userData: KvList): KvList {
  if (!(SESSION_PASSWORD_KEY in userData)) return cloneKv(userData);
  const copy = cloneKv(userData);
  delete copy[SESSION_PASSWORD_KEY];
  return copy;
}
