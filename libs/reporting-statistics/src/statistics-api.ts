import type { SessionEventRecord } from '@ocs/contracts';

/** When an async session sends an intermediate update (`attach-stats-rep-events`). */
export type RepEvent = 'dormant' | 'active' | 'idle';
/** Which keys an intermediate update carries (`attach-stats-rep-place`). */
export type RepPlace = 'none' | 'async' | 'all';

/** `attach-session-statistics`, `attach-stats-rep-events` and `attach-stats-rep-place`, as the calculator reads them. */
export interface StatisticsOptions {
  attachSessionStatistics: 'none' | 'fired' | 'all';
  /** `attach-stats-rep-events`: the moments of an async session that send an intermediate update; absent or empty: none. */
  attachStatsRepEvents?: readonly RepEvent[];
  /** `attach-stats-rep-place`: the keys of an intermediate update; absent or `none`: no intermediate update. */
  attachStatsRepPlace?: RepPlace;
  /** `csg_MediaType` when the session's user data names no `MediaType`; absent: `chat`. */
  mediaType?: string;
}

/**
 * What the calculator keeps of one open session between its records: a plain JSON value, so that it can be saved
 * as a checkpoint and read back (a JSON round trip gives the same state).
 */
export type StatisticsState = { readonly [key: string]: unknown };

/** The outcome of folding one record: the session's next state (none once it is over) and what to attach now. */
export interface FoldOutcome {
  state: StatisticsState | undefined;
  /** Key-values to attach to the session's interaction at this record: the final set at closure, or an intermediate update. */
  attach?: Record<string, string>;
}

/**
 * Folds one session-events record into a session's statistics. Pure and deterministic: time comes only from the
 * records, so replaying the same records gives the same values.
 */
export type StatisticsFold = (state: StatisticsState | undefined, record: SessionEventRecord, options: StatisticsOptions) => FoldOutcome;
