import { ChatError } from '@ocs/chat-domain';

/** `limits-control-enabled` with `limit-for-sessions` and `limits-restore-threshold`. */
export interface SessionLimitOptions {
  /** Past this many sessions held, the node takes no new or restored session... */
  sessions: number;
  /** ...until it is back down to this percentage of it. */
  restorePercent: number;
}

/**
 * The node's load limit on sessions held, with hysteresis: reaching the limit closes the door to new and restored
 * sessions, and only falling back to the restore threshold opens it again.
 */
export class SessionLimits {
  private limited = false;

  constructor(private readonly options: SessionLimitOptions) {}

  /** Whether a node holding `held` sessions is over its limit now. */
  overLimit(held: number): boolean {
    const { sessions, restorePercent } = this.options;
    if (held >= sessions) this.limited = true;
    else if (held <= Math.floor((sessions * restorePercent) / 100)) this.limited = false;
    return this.limited;
  }

  /** Refuses (LIMIT_REACHED) a new or restored session while over the limit. */
  assertUnder(held: number): void {
    if (!this.overLimit(held)) return;
    const { sessions, restorePercent } = this.options;
    throw new ChatError(
      'LIMIT_REACHED',
      `this node holds ${held} sessions, at its limit-for-sessions of ${sessions}: it takes new sessions again at ${restorePercent}% of it`,
    );
  }
}
