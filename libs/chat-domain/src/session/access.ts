import { ChatError } from '../errors';
import { checkPassword } from './password';
import type { JoinRequest } from './requests';
import type { SessionService, SessionState } from './state';

/**
 * Where a session without a service (an agent's outbound chat) belongs and is routed: the default endpoint of
 * tenant 1.
 */
export const OUTBOUND_ENTRY: Readonly<Pick<SessionService, 'tenantDbid' | 'endpoint'>> = { tenantDbid: 1, endpoint: 'default' };

/**
 * What the agent API vouches for about a joining party, from the token it registered with (never from the
 * request itself): which sessions the token reaches. Absent fields do not limit.
 */
export interface JoinScope {
  /** Tenant dbids whose sessions the party may join or create. */
  tenants?: readonly number[];
  /**
   * Entry points (`<tenant dbid>:<endpoint>`, from the token's queues) whose sessions a supervisor may monitor or
   * coach without the session password. Absent: every entry point of `tenants`.
   */
  entryPoints?: readonly string[];
}

/** The session's tenant and entry point (`<tenant dbid>:<endpoint>`). */
export function entryOf(state: SessionState): { tenantDbid: number; entryPoint: string } {
  const { tenantDbid, endpoint } = state.service ?? OUTBOUND_ENTRY;
  return { tenantDbid, entryPoint: `${tenantDbid}:${endpoint}` };
}

/** Refuses a party whose token does not reach the tenant. */
export function checkTenant(scope: JoinScope | undefined, tenantDbid: number): void {
  if (scope?.tenants && !scope.tenants.includes(tenantDbid)) {
    throw new ChatError('FORBIDDEN', "the session belongs to a tenant outside this token's tenants");
  }
}

/**
 * Refuses a join the party may not make. Without a scope (callers that vouch for nothing) the session password
 * decides alone. With one, the session's tenant must be among the token's; a supervisor monitoring or coaching
 * (VIP or INT) a session of the token's queues needs no password; anyone else presents it.
 */
export function checkJoin(state: SessionState, request: JoinRequest, scope?: JoinScope): void {
  if (scope) {
    const { tenantDbid, entryPoint } = entryOf(state);
    checkTenant(scope, tenantDbid);
    const watching = request.userType === 'SUPERVISOR' && (request.visibility === 'VIP' || request.visibility === 'INT');
    if (watching && (!scope.entryPoints || scope.entryPoints.includes(entryPoint))) return;
  }
  checkPassword(state, request);
}
