import type { Clock } from '@ocs/chat-domain';
import { SessionLimits, type Load, type SessionLimitOptions } from './limits';
import type { SessionRegistry } from './session-registry';

/**
 * The node's load and its limits (`limits-control-enabled`): what it carries, read from the sessions it holds when a
 * limit is judged, the reply delays measured for `limit-for-reply-delay`, and the refusal of a new or restored
 * session or a flex login while a limit is reached. Without the limits nothing is measured and nothing refused.
 */
export class NodeLoad {
  private readonly limits?: SessionLimits;
  private readonly load: Load;

  constructor(
    private readonly registry: SessionRegistry,
    options: SessionLimitOptions | undefined,
    clock: Clock,
    /** Told of each refusal (`session_refused` of the KPI counters). */
    private readonly onRefused?: () => void,
  ) {
    if (options) this.limits = new SessionLimits(options, clock);
    this.load = {
      get sessions() {
        return registry.size;
      },
      flexUsers: () => registry.customers().users,
    };
  }

  /** Over a load limit: takes no new or restored session nor flex login (`limit-for-*`, `limits-restore-threshold`). */
  get overLimit(): boolean {
    return this.limits?.overLimit(this.load) ?? false;
  }

  /** Customers (flex users) present in the open sessions held, and those sessions (`gms_info`). */
  customers(): { users: number; sessions: number } {
    return this.registry.customers();
  }

  /** One measured delay of the node in serving requests (ms), for `limit-for-reply-delay`. */
  recordReplyDelay(ms: number): void {
    this.limits?.recordReplyDelay(ms);
  }

  /** Refuses (LIMIT_REACHED, told to `onRefused`) a new or restored session or a flex login while over a limit. */
  assertUnder(): void {
    if (!this.limits) return;
    try {
      this.limits.assertUnder(this.load);
    } catch (error) {
      this.onRefused?.();
      throw error;
    }
  }
}
