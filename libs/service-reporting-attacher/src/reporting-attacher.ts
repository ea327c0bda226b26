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
  /**
   * Tries of one store or Interaction Server call before it is given up (default 7: about 6 s of waits, longer than a
   * bridge that lags a little takes to submit the interaction), the waits doubling from `retryDelayMs` (default 100).
   */
  attempts?: number;
  retryDelayMs?: number;
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
 */
export class ReportingAttacher {
  private subscription: BusSubscription | undefined;
  private observer: AttacherObserver = IGNORE;
  private readonly now: () => number;

  constructor(private readonly deps: AttacherDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Who is told of each record's outcome (the metrics); one at a time. */
  observe(observer: AttacherObserver): void {
    this.observer = observer;
  }

  async start(): Promise<void> {
    this.subscription = await this.deps.bus.subscribe(TOPICS.sessionEvents, ATTACHER_GROUP, (record) => this.handle(record));
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    this.subscription = undefined;
  }

  /** Handles one delivered record; never throws (a failure is counted and logged). */
  async handle(record: BusRecord): Promise<void> {
    const read = readSessionEvent(record.value);
    if ('ignored' in read) {
      this.observer.skipped('unknown');
      return this.deps.log?.warn({ key: record.key, offset: record.offset, reason: read.ignored }, `unknown ${TOPICS.sessionEvents} record skipped`);
    }
    if ('problem' in read) {
      this.observer.skipped('malformed');
      return this.deps.log?.warn({ key: record.key, offset: record.offset, problem: read.problem }, `malformed ${TOPICS.sessionEvents} record skipped`);
    }
    this.observer.consumed(read.value.type);
    const position = record.partition !== undefined && record.offset !== undefined ? { partition: record.partition, offset: record.offset } : undefined;
    try {
      await this.apply(read.value, position);
    } catch (err) {
      this.observer.failed();
      this.deps.log?.error({ sessionId: read.value.sessionId, type: read.value.type, err }, 'reporting statistics of a session record not applied');
    }
  }

  private async apply(record: SessionEventRecord, position: BusPosition | undefined): Promise<void> {
    const { deps } = this;
    const { sessionId } = record;
    const saved = await this.retrying(() => deps.checkpoints.load(sessionId));
    if (saved?.done || (saved && alreadyApplied(saved.position, position))) return this.observer.skipped(saved.done ? 'finished' : 'redelivered');
    if (record.type === 'purged') return this.retrying(() => deps.checkpoints.delete(sessionId));
    const outcome = deps.fold(saved?.state as StatisticsState | undefined, record, deps.options.statistics);
    let interactionId = interactionNamedBy(record) ?? saved?.interactionId;
    if (outcome.attach && Object.keys(outcome.attach).length > 0) {
      interactionId = await this.attach(record, interactionId, outcome.attach, outcome.state === undefined);
    } else if (outcome.state === undefined && saved === undefined) {
      return; // Nothing followed, nothing to remember.
    }
    const next: StatisticsCheckpoint = outcome.state === undefined ? { done: true } : { state: outcome.state };
    if (position) next.position = position;
    if (interactionId) next.interactionId = interactionId;
    const { checkpointTtlMs, finishedTtlMs = checkpointTtlMs } = deps.options;
    await this.retrying(() => deps.checkpoints.save(sessionId, next, next.done ? finishedTtlMs : checkpointTtlMs));
  }

  /**
   * Attaches `attach` to the session's interaction, trying again while it fails (say, the interaction not yet
   * submitted), and answers the interaction's id where known. Given up, it is counted and logged, and the session goes
   * on: its state is saved all the same.
   */
  private async attach(record: SessionEventRecord, known: string | undefined, attach: Record<string, string>, final: boolean): Promise<string | undefined> {
    const { sessionId } = record;
    let interactionId = known;
    try {
      await this.retrying(async () => {
        interactionId ??= await this.deps.findInteraction(sessionId);
        if (!interactionId) throw new Error(`no interaction known for session ${sessionId}`);
        await this.deps.interactions.updateProperties(interactionId, attach);
      });
    } catch (err) {
      this.observer.failed();
      this.deps.log?.error({ sessionId, interactionId, err }, 'reporting statistics not attached to the interaction');
      return interactionId;
    }
    this.observer.attached(final ? 'final' : 'update', record.type === 'closed' ? Math.max(0, this.now() - record.at) : undefined);
    return interactionId;
  }

  /** Runs `call` until it succeeds or its tries are spent, waiting longer after each failure. */
  private async retrying<T>(call: () => Promise<T>): Promise<T> {
    const { attempts = 7, retryDelayMs = 100 } = this.deps.options;
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

/** The interaction a record names, if it names one. */
function interactionNamedBy(record: SessionEventRecord): string | undefined {
  return 'interactionId' in record ? record.interactionId : undefined;
}
