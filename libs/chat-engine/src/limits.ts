import { ChatError, type Clock } from '@ocs/chat-domain';
import { AverageOverInterval } from './average-over-interval';

/**
 * `limits-control-enabled` with `limit-for-sessions`, `limit-for-flex-users`, `limit-for-reply-delay`,
 * `limit-average-interval` and `limits-restore-threshold`.
 */
export interface SessionLimitOptions {
  /** Past this many sessions held, the node takes no new or restored session... */
  sessions: number;
  /** ...nor past this many flex users (customers) present in them; absent: not limited. */
  flexUsers?: number;
  /** ...nor while the average reply delay (ms) reaches this; absent or 0: not limited. */
  replyDelayMs?: number;
  /** The interval the reply delay is averaged over (ms); default 15 s. */
  averageIntervalMs?: number;
  /** ...until each figure is back down to this percentage of its limit. */
  restorePercent: number;
}

/** What the node carries now, measured when a limit is checked. */
export interface Load {
  sessions: number;
  /** Counted only when `limit-for-flex-users` applies: a function, so nothing is counted otherwise. */
  flexUsers(): number;
}

type Figure = 'sessions' | 'flexUsers' | 'replyDelay';
const OPTION_OF: Record<Figure, string> = { sessions: 'limit-for-sessions', flexUsers: 'limit-for-flex-users', replyDelay: 'limit-for-reply-delay' };

/**
 * The node's load limits, each with hysteresis: reaching a limit closes the door to new and restored sessions and to
 * flex logins, and only falling back to the restore threshold of that limit opens it again. The door is open while no
 * limit is reached.
 */
export class SessionLimits {
  private readonly reached: Record<Figure, boolean> = { sessions: false, flexUsers: false, replyDelay: false };
  private readonly replyDelay?: AverageOverInterval;

  constructor(
    private readonly options: SessionLimitOptions,
    private readonly clock?: Clock,
  ) {
    if (options.replyDelayMs && clock) this.replyDelay = new AverageOverInterval(options.averageIntervalMs ?? 15_000, clock.now());
  }

  /** One measured reply delay (ms): averaged over `limit-average-interval`. */
  recordReplyDelay(ms: number): void {
    if (this.replyDelay && this.clock) this.replyDelay.add(ms, this.clock.now());
  }

  /** Whether a node carrying `load` (or holding `load` sessions) is over one of its limits now. */
  overLimit(load: Load | number): boolean {
    const { sessions, flexUsers, replyDelayMs } = this.options;
    const now = typeof load === 'number' ? { sessions: load, flexUsers: () => 0 } : load;
    this.judge('sessions', now.sessions, sessions);
    if (flexUsers !== undefined && typeof load !== 'number') this.judge('flexUsers', now.flexUsers(), flexUsers);
    if (replyDelayMs && this.replyDelay && this.clock) this.judge('replyDelay', this.replyDelay.average(this.clock.now()), replyDelayMs);
    return this.reached.sessions || this.reached.flexUsers || this.reached.replyDelay;
  }

  /** Refuses (LIMIT_REACHED) a new or restored session, or a flex login, while over a limit. */
  assertUnder(load: Load | number): void {
    if (!this.overLimit(load)) return;
    const limits: Record<Figure, number | undefined> = {
      sessions: this.options.sessions,
      flexUsers: this.options.flexUsers,
      replyDelay: this.options.replyDelayMs,
    };
    const reached = (Object.keys(this.reached) as Figure[]).filter((figure) => this.reached[figure]);
    throw new ChatError(
      'LIMIT_REACHED',
      `this node is at its ${reached.map((figure) => `${OPTION_OF[figure]} of ${limits[figure]}`).join(' and ')}: it takes new sessions again at ${this.options.restorePercent}% of it`,
    );
  }

  private judge(figure: Figure, value: number, limit: number): void {
    if (value >= limit) this.reached[figure] = true;
    else if (value <= Math.floor((limit * this.options.restorePercent) / 100)) this.reached[figure] = false;
  }
}
