import { readSessionEvent, TOPICS, type SessionEventRecord } from '@ocs/contracts';
import {
  alreadyApplied,
  type BusPosition,
  type BusRecord,
  type BusSubscription,
  type EventBus,
  type InteractionServer,
  type StatisticsCheckpoint,
  type StatisticsCheckpoints,
  type TakenRecord,
  UnknownInteractionError,
} from '@ocs/ports';
import type { StatisticsFold, StatisticsOptions, StatisticsState } from '@ocs/reporting-statistics';

/** The attacher's consumer group on `TOPICS.sessionEvents`. */
export const ATTACHER_GROUP = 'reporting-attacher';

export interface AttacherOptions {
  /** What the calculator is told (`attach-session-statistics`, ...). */
  statistics: StatisticsOptions;
  /** How long an open session's checkpoint outlives its last record (`statistics-checkpoint-ttl`). */
  checkpointTtlMs: number;
  /**
   * How long the `done` marker of a finished session stays (default `checkpointTtlMs`): long enough for the records a
   * crash or a rebalance delivers again (those after the last commit), short enough not to pile up.
   */
  finishedTtlMs?: number;
  /** Tries of one call while the record holds its partition (default 3), the waits doubling from `retryDelayMs` (100). */
  attempts?: number;
  retryDelayMs?: number;
  /**
   * How long statistics that could not be attached at once (the interaction not submitted yet, Interaction Server
   * away) are tried again in the background, off the partition, before they are given up (default 10 minutes).
   */
  pendingRetryMs?: number;
}

/** Why a record was passed over. */
export type SkipReason = 'malformed' | 'unknown' | 'redelivered' | 'finished';

/** Told of what the attacher does: the service's metrics. */
export interface AttacherObserver {
  consumed(type: SessionEventRecord['type']): void;
  skipped(reason: SkipReason): void;
  /** Key-values attached: the final set at closure (with the time since the session closed) or an intermediate update. */
  attached(kind: 'final' | 'update', sinceClosedMs?: number): void;
  /** A record given up after its tries (logged with the error). */
  failed(): void;
}

export interface AttacherLog {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface AttacherDeps {
  bus: EventBus;
  interactions: InteractionServer;
  checkpoints: StatisticsCheckpoints;
  /** The statistics calculator (`foldStatistics` of `@ocs/reporting-statistics`). */
  fold: StatisticsFold;
  /** The session's interaction when no record of it named one (the session's saved state). */
  findInteraction: (sessionId: string) => Promise<string | undefined>;
  options: AttacherOptions;
  log?: AttacherLog;
  now?: () => number;
}

const IGNORE: AttacherObserver = { consumed: () => undefined, skipped: () => undefined, attached: () => undefined, failed: () => undefined };
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** The longest pause between two background tries of pending statistics. */
const MAX_PENDING_PAUSE_MS = 5_000;
const DEFAULT_PENDING_RETRY_MS = 600_000;
/** A promise that never settles: a stopped attacher's background work leaves its record unfinished on the bus. */
const NEVER = new Promise<void>(() => undefined);

/**
 * Attaches each chat session's reporting statistics to its interaction. It follows `TOPICS.sessionEvents` in its own
 * consumer group, folds each session's records in order with the calculator, and writes what the calculator says to
 * attach through the Interaction Server port.
 *
 * Exactly-once effect: before a record's delivery settles (so before the bus commits past it), the session's
 * checkpoint holds the calculator's state and the bus position of that record. A record at or before the saved
 * position (a redelivery after a crash, a rebalance or a replay) is skipped; a record whose attach happened but whose
 * checkpoint was not saved is folded again from the previous state and attaches the same values again. Once the final
 * statistics are attached, the checkpoint becomes a `done` marker until it expires, so a replay of the topic does not
 * start the session over. A purged session's checkpoint is deleted.
 *
 * Never blocking a partition: statistics that cannot be attached after a few quick tries (the interaction bridge has
 * not submitted the interaction yet, Interaction Server is away) are kept `pending` in the checkpoint and tried again
 * in the background, and the record is taken in to finish later (`TakenRecord`): the bus goes on with the partition's
 * other sessions, and commits past the record only once its statistics are attached or given up. A later record of
 * the same session is handled after it (its values join the pending ones). After a crash, the record comes again, is
 * recognised as applied, and its checkpoint's pending statistics are tried again.
 */
export class ReportingAttacher {
  private subscription: BusSubscription | undefined;
  private observer: AttacherObserver = IGNORE;
  private readonly now: () => number;
  /** Sessions with work in the background (pending statistics, records after them), the last of it by session. */
  private readonly behind = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(private readonly deps: AttacherDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Who is told of each record's outcome (the metrics); one at a time. */
  observe(observer: AttacherObserver): void {
    this.observer = observer;
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.subscription = await this.deps.bus.subscribe(TOPICS.sessionEvents, ATTACHER_GROUP, (record) => this.handle(record));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.close();
    this.subscription = undefined;
  }

  /**
   * Handles one delivered record; never throws (a failure is counted and logged). Answers a `TakenRecord` when the
   * record's statistics, or an earlier record's of its session, are still being tried in the background.
   */
  async handle(record: BusRecord): Promise<void | TakenRecord> {
    const read = readSessionEvent(record.value);
    if ('ignored' in read) {
      this.observer.skipped('unknown');
      return this.deps.log?.warn({ key: record.key, offset: record.offset, reason: read.ignored }, `unknown ${TOPICS.sessionEvents} record skipped`);
    }
    if ('problem' in read) {
      this.observer.skipped('malformed');
      return this.deps.log?.warn({ key: record.key, offset: record.offset, problem: read.problem }, `malformed ${TOPICS.sessionEvents} record skipped`);
    }
    const { value } = read;
    this.observer.consumed(value.type);
    const position = record.partition !== undefined && record.offset !== undefined ? { partition: record.partition, offset: record.offset } : undefined;
    const before = this.behind.get(value.sessionId);
    if (before)
      return this.takeIn(
        value.sessionId,
        before.then(async () => (await this.applied(value, position))?.work),
      );
    const later = await this.applied(value, position);
    return later ? this.takeIn(value.sessionId, later.work) : undefined;
  }

  /** Notes `handled` as the session's latest background work and answers it as a taken record. */
  private takeIn(sessionId: string, handled: Promise<void>): TakenRecord {
    this.behind.set(sessionId, handled);
    void handled.finally(() => this.behind.get(sessionId) === handled && this.behind.delete(sessionId));
    return { handled };
  }

  /** Applies a record; answers the background work it left (pending statistics), if any. Never rejects. */
  private async applied(record: SessionEventRecord, position: BusPosition | undefined): Promise<Background | undefined> {
    try {
      return await this.apply(record, position);
    } catch (err) {
      this.observer.failed();
      this.deps.log?.error({ sessionId: record.sessionId, type: record.type, err }, 'reporting statistics of a session record not applied');
      return undefined;
    }
  }

  private async apply(record: SessionEventRecord, position: BusPosition | undefined): Promise<Background | undefined> {
    const { deps } = this;
    const { sessionId } = record;
    const saved = await this.retrying(() => deps.checkpoints.load(sessionId));
    if (saved?.done || (saved && alreadyApplied(saved.position, position))) {
      this.observer.skipped(saved.done ? 'finished' : 'redelivered');
      // Pending statistics whose record comes again after a crash are tried again.
      return saved.pending ? { work: this.retryPending(sessionId, saved) } : undefined;
    }
    if (record.type === 'purged') return void (await this.retrying(() => deps.checkpoints.delete(sessionId)));
    const outcome = deps.fold(saved?.state as StatisticsState | undefined, record, deps.options.statistics);
    const next: StatisticsCheckpoint = outcome.state === undefined ? { done: true } : { state: outcome.state };
    if (position) next.position = position;
    const interactionId = interactionNamedBy(record) ?? saved?.interactionId;
    if (interactionId) next.interactionId = interactionId;
    const fresh = outcome.attach && Object.keys(outcome.attach).length > 0 ? outcome.attach : undefined;
    const attach = saved?.pending || fresh ? { ...saved?.pending, ...fresh } : undefined;
    if (!attach && outcome.state === undefined && saved === undefined) return undefined; // Nothing followed, nothing to remember.
    if (record.type === 'closed') next.closedAt = record.at;
    else if (saved?.closedAt !== undefined) next.closedAt = saved.closedAt;
    if (attach && !(await this.attachNow(sessionId, next, attach))) {
      next.pending = attach;
      next.pendingSince = saved?.pendingSince ?? this.now();
    }
    await this.save(sessionId, next);
    return next.pending ? { work: this.retryPending(sessionId, next) } : undefined;
  }

  /** Tries `attach` a few times while the record holds its partition; true once attached (`next` learns the interaction). */
  private async attachNow(sessionId: string, next: StatisticsCheckpoint, attach: Record<string, string>): Promise<boolean> {
    try {
      await this.retrying(() => this.attachOnce(sessionId, next, attach));
      return true;
    } catch {
      return false;
    }
  }

  /** One try: finds the interaction where none is known yet, and attaches; told of what was attached. */
  private async attachOnce(sessionId: string, next: StatisticsCheckpoint, attach: Record<string, string>): Promise<void> {
    next.interactionId ??= await this.deps.findInteraction(sessionId);
    if (!next.interactionId) throw new Error(`no interaction known for session ${sessionId}`);
    await this.deps.interactions.updateProperties(next.interactionId, attach);
    const final = next.done === true;
    this.observer.attached(final ? 'final' : 'update', final && next.closedAt !== undefined ? Math.max(0, this.now() - next.closedAt) : undefined);
  }

  /**
   * Tries the checkpoint's pending statistics again, pausing longer each time (up to 5 s), until they are attached,
   * their interaction is gone, or `pendingRetryMs` has passed since they first failed: then they are counted as a
   * failure and logged. Either way the checkpoint is saved without them.
   */
  private async retryPending(sessionId: string, checkpoint: StatisticsCheckpoint): Promise<void> {
    const { retryDelayMs = 100, pendingRetryMs = DEFAULT_PENDING_RETRY_MS } = this.deps.options;
    const { pending = {}, pendingSince = this.now(), ...next } = checkpoint;
    for (let pause = retryDelayMs; ; pause = Math.min(pause * 2, MAX_PENDING_PAUSE_MS)) {
      await sleep(pause);
      if (this.stopped) return NEVER;
      try {
        await this.attachOnce(sessionId, next, pending);
        break;
      } catch (err) {
        if (!(err instanceof UnknownInteractionError) && this.now() - pendingSince < pendingRetryMs) continue;
        this.observer.failed();
        this.deps.log?.error({ sessionId, interactionId: next.interactionId, err }, 'reporting statistics not attached to the interaction');
        break;
      }
    }
    await this.retrying(() => this.save(sessionId, next));
  }

  private save(sessionId: string, checkpoint: StatisticsCheckpoint): Promise<void> {
    const { checkpointTtlMs, finishedTtlMs = checkpointTtlMs } = this.deps.options;
    return this.retrying(() => this.deps.checkpoints.save(sessionId, checkpoint, checkpoint.done && !checkpoint.pending ? finishedTtlMs : checkpointTtlMs));
  }

  /** Runs `call` until it succeeds or its tries are spent, waiting longer after each failure. */
  private async retrying<T>(call: () => Promise<T>): Promise<T> {
    const { attempts = 3, retryDelayMs = 100 } = this.deps.options;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        if (attempt >= attempts) throw error;
        await sleep(retryDelayMs * 2 ** (attempt - 1));
      }
    }
  }
}

/** Work a record left to finish in the background (in an object: an async function would wait for a bare promise). */
interface Background {
  work: Promise<void>;
}

/** The interaction a record names, if it names one. */
function interactionNamedBy(record: SessionEventRecord): string | undefined {
  return 'interactionId' in record ? record.interactionId : undefined;
}
