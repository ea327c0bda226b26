import { createHash, timingSafeEqual } from 'node:crypto';
import type { JoinScope } from '@ocs/chat-domain';

export type AgentUserType = 'AGENT' | 'SUPERVISOR';

/** A configured credential of agent-side clients (a desktop, a bot platform, a supervisor tool). */
export interface AgentToken {
  /** Shown in logs instead of the secret. */
  name: string;
  secret: string;
  userTypes: readonly AgentUserType[];
  /**
   * The sessions its parties reach: tenants (joins and outbound sessions), and the entry points whose sessions its
   * supervisors monitor or coach without the session password. Absent fields do not limit.
   */
  scope?: JoinScope;
}

/**
 * Finds the token a client presents. Secrets are compared as SHA-256 digests with `timingSafeEqual`, and every
 * configured token is compared, so neither the length nor the position of a secret shows in the timing.
 */
export class AgentTokens {
  private readonly entries: Array<{ token: AgentToken; digest: Buffer }>;

  constructor(tokens: readonly AgentToken[]) {
    this.entries = tokens.map((token) => ({ token, digest: digest(token.secret) }));
  }

  find(secret: string): AgentToken | undefined {
    const given = digest(secret);
    let found: AgentToken | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, given)) found ??= entry.token;
    }
    return found;
  }
}

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}
