import type { PartyApi, SessionMetrics } from '@ocs/ports';

/**
 * The KPI counters of one session-engine node (Genesys "KPI counters", served at `GET /Counters` and written to the
 * log by `[health-service]`). Every counter is cumulative from the start of the process or the last reset, except
 * `process_memory`, a current value. Counting is a plain increment of a number field: nothing is allocated per event.
 */
export const KPI_COUNTERS = {
  session_created: 'Chat sessions created on this node',
  session_closed: 'Chat sessions closed on this node',
  session_restored: 'Chat sessions of a lost node restored on this node',
  session_refused: 'New or restored chat sessions and flex logins refused because a load limit was reached',
  user_joined_flex: 'Parties that joined through the customer API (flex protocol: GMS REST, CometD)',
  user_joined_basic: 'Parties that joined through the agent API (basic protocol: agents, supervisors, bots)',
  user_joined_esp: 'Parties that joined through ESP (workflow)',
  user_left: 'Parties that left a chat session, or were removed from it',
  message_flex: 'Messages sent through the customer API',
  message_basic: 'Messages sent through the agent API',
  message_esp: 'Messages sent through ESP',
  notice_flex: 'Notices (typing, push URL, custom, ...) sent through the customer API',
  notice_basic: 'Notices sent through the agent API',
  notice_esp: 'Notices sent through ESP',
  request_error: 'Requests to the engine refused with an error (unknown session, bad credentials, limits, input)',
  internal_activity_time: 'Milliseconds spent on internal activities (expired timers of sessions)',
  process_memory: 'Resident memory of the process in bytes (a current value, not cumulative)',
} as const;

export type KpiCounterName = keyof typeof KPI_COUNTERS;
/** The one counter that is a current value; every other one is cumulative. */
export const KPI_GAUGES: readonly KpiCounterName[] = ['process_memory'];
export const KPI_COUNTER_NAMES = Object.keys(KPI_COUNTERS) as KpiCounterName[];

/** How one counter is read out for `content=all|new|set`. */
export type KpiContent = 'all' | 'new' | 'set';

/**
 * The counters, incremented in place by the hooks the engine tells (the same hooks as the application metrics, so
 * each event is counted at one place); read out and reset by the health service.
 */
export class KpiCounters implements SessionMetrics {
  session_created = 0;
  session_closed = 0;
  session_restored = 0;
  session_refused = 0;
  user_joined_flex = 0;
  user_joined_basic = 0;
  user_joined_esp = 0;
  user_left = 0;
  message_flex = 0;
  message_basic = 0;
  message_esp = 0;
  notice_flex = 0;
  notice_basic = 0;
  notice_esp = 0;
  request_error = 0;
  internal_activity_time = 0;
  process_memory = 0;
  /** Values at the last read of `content=new`, by reader (the web interface and the log output each have theirs). */
  private readonly seen = new Map<string, Record<KpiCounterName, number>>();

  /** `memory`: the process's current memory, supplied by the service that owns the process. */
  constructor(private readonly memory: () => number = () => 0) {}

  /** Every counter to zero (`reset=true`); what each reader has seen is forgotten with them. */
  reset(): void {
    for (const name of KPI_COUNTER_NAMES) this[name] = 0;
    this.seen.clear();
  }

  /**
   * The counters `content` asks for: `all`; `set`, the non-zero ones; `new`, those that changed since this `reader`
   * last asked for the new ones (all the non-zero ones the first time).
   */
  read(content: KpiContent, reader = 'web'): Record<string, number> {
    this.process_memory = this.memory();
    const values = {} as Record<KpiCounterName, number>;
    for (const name of KPI_COUNTER_NAMES) values[name] = this[name];
    if (content === 'all') return values;
    const before = content === 'new' ? this.seen.get(reader) : undefined;
    if (content === 'new') this.seen.set(reader, values);
    const chosen: Record<string, number> = {};
    for (const name of KPI_COUNTER_NAMES) {
      if (before ? values[name] !== before[name] : values[name] !== 0) chosen[name] = values[name];
    }
    return chosen;
  }

  created(): void {
    this.session_created++;
  }

  closed(): void {
    this.session_closed++;
  }

  restored(): void {
    this.session_restored++;
  }

  refused(): void {
    this.session_refused++;
  }

  joined(api: PartyApi): void {
    this[`user_joined_${api}`]++;
  }

  left(): void {
    this.user_left++;
  }

  message(_direction: string, api: PartyApi): void {
    this[`message_${api}`]++;
  }

  notice(api: PartyApi): void {
    this[`notice_${api}`]++;
  }

  requestFailed(): void {
    this.request_error++;
  }

  activity(ms: number): void {
    this.internal_activity_time += ms;
  }
}
