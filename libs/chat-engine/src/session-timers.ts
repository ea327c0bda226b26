import { DeadlineQueue, type ChatSession, type Clock } from '@ocs/chat-domain';

/** A session whose timer failed is tried again this much later. */
const RETRY_FAILED_TIMER_MS = 1000;

/**
 * When each held session next needs its timers applied (customer inactivity, async idle control, the end of a closed
 * session's grace period: the session knows its own deadlines), in one queue for the whole node. The engine asks for
 * `next()` and calls `tick()` then; nothing here waits.
 */
export class SessionTimers {
  private readonly deadlines = new DeadlineQueue();

  constructor(private readonly clock: Clock) {}

  /** Re-reads the session's next deadline (after anything that may have moved it). */
  schedule(session: ChatSession): void {
    this.deadlines.schedule(session.id, session.nextDeadline());
  }

  /** Earliest time at which `tick()` has work to do. */
  next(): number | undefined {
    return this.deadlines.peek();
  }

  /**
   * Runs `apply` for every session whose deadline has passed. A session whose timer fails is reported and tried again
   * a little later; the others are not held up.
   */
  async tick(
    find: (sessionId: string) => ChatSession | undefined,
    apply: (session: ChatSession) => Promise<void>,
  ): Promise<Array<{ sessionId: string; error: unknown }>> {
    const failed: Array<{ sessionId: string; error: unknown }> = [];
    for (const sessionId of this.deadlines.popDue(this.clock.now())) {
      const session = find(sessionId);
      if (!session) continue;
      try {
        await apply(session);
      } catch (error) {
        failed.push({ sessionId, error });
        this.deadlines.schedule(sessionId, this.clock.now() + RETRY_FAILED_TIMER_MS);
      }
    }
    return failed;
  }
}
