import { OUTBOUND_ENTRY, type SessionState } from '@ocs/chat-domain';
import type { ChatEngineApi } from '@ocs/chat-engine';
import {
  type BusRecord,
  type BusSubscription,
  type EventBus,
  type TakenRecord,
  type InteractionServer,
  type TranscriptStore,
  type UniversalContactServer,
} from '@ocs/ports';
import { toChatTranscriptXml } from '@ocs/ucs-transcript';
import { readSessionEvent, TOPICS, type SessionEventRecord } from '@ocs/contracts';

export type StopAbandoned = 'always' | 'never' | 'noagents' | 'noanswer';

export interface BridgeOptions {
  /** `ChatServerAppName` on every interaction: where workflows send their ESP requests. */
  appName: string;
  /** `[endpoints:<tenant dbid>]`: endpoint name → queue. */
  endpoints: Readonly<Record<number, Readonly<Record<string, string>>>>;
  /** `stop-abandoned-interaction`. */
  stopAbandoned: StopAbandoned;
  /** `transcript-save-notices`: which notices the UCS transcript keeps. */
  saveNotices: 'none' | 'major' | 'all';
  /**
   * `statistics-close-wait` (ms): how long the closing actions of a closed session (IsOnline=0, transcript, stop)
   * wait for the reporting attacher's final statistics on the interaction (`STATISTICS_ATTACHED_MARK`), so that they
   * are attached before the interaction goes offline or stops. 0 or absent: no wait (no attacher runs).
   */
  statisticsWaitMs?: number;
  /**
   * `[transcript-cleanup] clean-subject`: where the `Subject` is masked by the PII rules: the UCS record (history), the
   * interaction's properties (interaction), both, or neither (never).
   */
  cleanSubject?: 'never' | 'history' | 'interaction' | 'both';
}

export interface BridgeDeps {
  engine: ChatEngineApi;
  interactions: InteractionServer;
  ucs: UniversalContactServer;
  store: TranscriptStore;
  bus: EventBus;
  options: BridgeOptions;
  /** Told of a session whose handling failed, and of a malformed record (skipped; `sessionId` is then the record's key). */
  onError?: (sessionId: string, error: unknown) => void;
  /** Told of a closed session whose statistics were not on its interaction within `statisticsWaitMs`: it was closed without them. */
  onStatisticsLate?: (sessionId: string, interactionId: string) => void;
  /** The PII masking of a tenant's texts (for `cleanSubject`). */
  maskText?: (tenantDbid: number, text: string) => string;
  /** Told of each transcript saved in UCS (the debug log, where `[log-filter-data] Transcript` decides what shows). */
  onTranscriptSaved?: (interactionId: string, transcript: string) => void;
}

const GROUP = 'interaction-bridge';
/** The session records the bridge acts on: transcript events are not its business. */
const HANDLED = ['created', 'properties', 'restored', 'closed', 'purged'] as const;
/** Interaction property naming the node that serves the session (ours): set on submit and on restoration. */
export const NODE_PROPERTY = 'ChatServerNodeId';
/** The key of the final statistics ("always attached" at the end of a session) whose presence tells that they are on the interaction. */
export const STATISTICS_ATTACHED_MARK = 'ChatServerSessionClosedAt';
/** How often the closing actions look at the interaction while they wait for the statistics: from 20 ms, up to 1 s. */
const STATISTICS_POLL_MS = 20;
const STATISTICS_POLL_MAX_MS = 1_000;

/**
 * Connects sessions to the contact center: for each new session it identifies the contact in UCS, submits an
 * interaction to the queue of the session's endpoint and creates the UCS record; it keeps the interaction's
 * properties current; when the session ends it marks the interaction offline, stores the final transcript in
 * UCS and stops the interaction where `stop-abandoned-interaction` says so; when routing stops an interaction,
 * it closes the session. It consumes the engine's session events, so in a cluster it runs wherever the bus is.
 */
export class InteractionBridge {
  private readonly interactionOf = new Map<string, string>();
  /** Closings waiting for their statistics, by session: a later record of the session is handled after its closing. */
  private readonly closing = new Map<string, Promise<void>>();
  private subscription: BusSubscription | undefined;

  constructor(private readonly deps: BridgeDeps) {}

  async start(): Promise<void> {
    this.deps.interactions.onStopped((interactionId) => this.stoppedByRouting(interactionId));
    this.subscription = await this.deps.bus.subscribe(TOPICS.sessionEvents, GROUP, (record) => this.handle(record));
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
  }

  /**
   * Handles one record. A closing that waits for the statistics is taken in to finish later (`TakenRecord`), so the
   * bus goes on with the partition's other sessions meanwhile (their interactions submitted, which the attacher may
   * need to attach other statistics); the offset moves past it only once it is done, and a later record of the same
   * session waits for it.
   */
  private handle(record: BusRecord): Promise<void> | TakenRecord | undefined {
    const read = readSessionEvent(record.value, HANDLED);
    if ('ignored' in read) return undefined;
    if ('problem' in read) return void this.deps.onError?.(record.key, new Error(`malformed ${TOPICS.sessionEvents} record skipped: ${read.problem}`));
    const { value } = read;
    const before = this.closing.get(value.sessionId);
    const waits = value.type === 'closed' && (this.deps.options.statisticsWaitMs ?? 0) > 0;
    if (!before && !waits) return this.apply(value);
    const handled = (before ?? Promise.resolve()).then(() => this.apply(value));
    this.closing.set(value.sessionId, handled);
    void handled.finally(() => this.closing.get(value.sessionId) === handled && this.closing.delete(value.sessionId));
    return { handled };
  }

  /** Acts on one record; never rejects (a failure goes to `onError`). */
  private async apply(value: SessionEventRecord): Promise<void> {
    try {
      if (value.type === 'created') await this.created(value);
      else if (value.type === 'properties') await this.update(value.sessionId, value.interactionId, value.properties);
      else if (value.type === 'restored') await this.update(value.sessionId, value.interactionId, { [NODE_PROPERTY]: value.nodeId });
      else if (value.type === 'closed') await this.closed(value.sessionId, value.interactionId, value.at);
      else if (value.type === 'purged') this.interactionOf.delete(value.sessionId);
    } catch (error) {
      this.deps.onError?.(value.sessionId, error);
    }
  }

  private async created(record: Extract<SessionEventRecord, { type: 'created' }>): Promise<void> {
    const { deps } = this;
    const { tenantDbid, endpoint } = record.service ?? OUTBOUND_ENTRY;
    const queue = deps.options.endpoints[tenantDbid]?.[endpoint];
    if (!queue) throw new Error(`no queue for endpoint "${endpoint}" of tenant ${tenantDbid}: add it to [endpoints:${tenantDbid}]`);
    const userData = flatStrings(record.userData);
    const contact = await deps.ucs.identifyContact(tenantDbid, userData);
    const properties = {
      ...userData,
      ...contact.attributes,
      ...record.properties,
      ChatServerAppName: deps.options.appName,
      IsOnline: '1',
      ...(record.password !== undefined ? { ChatServerSessionPassword: record.password } : {}),
      ...(record.nodeId !== undefined ? { [NODE_PROPERTY]: record.nodeId } : {}),
    };
    // A redelivered record finds the interaction and the UCS record made the first time.
    const clean = this.subjectCleaner(tenantDbid, userData.Subject);
    const submitted = clean.interaction ? { ...properties, Subject: clean.interaction } : properties;
    const { interactionId } = await deps.interactions.submit({ tenantDbid, queue, mediaType: 'chat', sessionId: record.sessionId, properties: submitted });
    this.interactionOf.set(record.sessionId, interactionId);
    if (!(await deps.ucs.getInteraction(interactionId))) {
      await deps.ucs.createInteraction({
        interactionId,
        tenantDbid,
        sessionId: record.sessionId,
        startedAt: record.at,
        userData: clean.history ? { ...properties, Subject: clean.history } : properties,
        ...(contact.contactId ? { contactId: contact.contactId } : {}),
        ...(userData.Subject ? { subject: clean.history ?? userData.Subject } : {}),
      });
    }
    await deps.engine.bindInteraction(record.sessionId, interactionId);
  }

  /** The masked `Subject` for the places `clean-subject` names; none where it is left as it is. */
  private subjectCleaner(tenantDbid: number, subject: string | undefined): { history?: string; interaction?: string } {
    const { cleanSubject = 'never' } = this.deps.options;
    const { maskText } = this.deps;
    if (!subject || !maskText || cleanSubject === 'never') return {};
    const masked = maskText(tenantDbid, subject);
    return {
      ...(cleanSubject !== 'interaction' ? { history: masked } : {}),
      ...(cleanSubject !== 'history' ? { interaction: masked } : {}),
    };
  }

  private async update(sessionId: string, known: string | undefined, properties: Record<string, string>): Promise<void> {
    const interactionId = await this.interactionFor(sessionId, known);
    if (interactionId) await this.deps.interactions.updateProperties(interactionId, properties);
  }

  private async closed(sessionId: string, known: string | undefined, closedAt: number): Promise<void> {
    const interactionId = await this.interactionFor(sessionId, known);
    if (!interactionId) return;
    this.interactionOf.delete(sessionId);
    const { deps } = this;
    await this.statisticsAttached(sessionId, interactionId);
    await deps.interactions.updateProperties(interactionId, { IsOnline: '0' });
    const state = await deps.store.load(sessionId);
    if (state) {
      const transcript = toChatTranscriptXml(state, { saveNotices: deps.options.saveNotices });
      await deps.ucs.saveTranscript(interactionId, transcript, closedAt);
      deps.onTranscriptSaved?.(interactionId, transcript);
    }
    if (shouldStop(deps.options.stopAbandoned, state)) await deps.interactions.stop(interactionId, 'chat session closed');
  }

  /**
   * Waits until the interaction shows the final statistics, for at most `statisticsWaitMs`, looking less often as the
   * wait grows. The attacher follows the same records in its own group, so it usually attaches them within milliseconds
   * of the `closed` record; a redelivered `closed` record finds them there at once. The wait is bounded so that an
   * attacher that is down costs the closing a delay, never the closing itself: statistics that come later are still
   * attached by the attacher to the interaction, offline by then.
   */
  private async statisticsAttached(sessionId: string, interactionId: string): Promise<void> {
    const waitMs = this.deps.options.statisticsWaitMs ?? 0;
    if (waitMs <= 0) return;
    const until = Date.now() + waitMs;
    for (let pause = STATISTICS_POLL_MS; (await this.deps.interactions.get(interactionId))?.properties[STATISTICS_ATTACHED_MARK] === undefined;) {
      if (Date.now() >= until) return this.deps.onStatisticsLate?.(sessionId, interactionId);
      await new Promise<void>((resolve) => setTimeout(resolve, Math.min(pause, until - Date.now())));
      pause = Math.min(pause * 2, STATISTICS_POLL_MAX_MS);
    }
  }

  /**
   * The session's interaction: named by the record once the engine knows it; before that (records published
   * between the session's creation and its binding) this bridge's own note from the submit, or, for a session
   * whose records this bridge did not see from the start (another node took the partition over), the saved state.
   */
  private async interactionFor(sessionId: string, known: string | undefined): Promise<string | undefined> {
    return known ?? this.interactionOf.get(sessionId) ?? (await this.deps.store.load(sessionId))?.interactionId;
  }

  private async stoppedByRouting(interactionId: string): Promise<void> {
    const sessionId = (await this.deps.interactions.get(interactionId))?.sessionId;
    if (sessionId) await this.deps.engine.closeSession(sessionId);
  }
}

/**
 * `never`: the workflow stops it; `always`; `noanswer`: no agent ever joined; `noagents`: no agent was in the
 * session when it closed. Bots are not agents.
 */
function shouldStop(policy: StopAbandoned, state: SessionState | undefined): boolean {
  if (policy === 'always') return true;
  if (policy === 'never' || !state) return false;
  const agents = state.participants.filter((p) => p.userType === 'AGENT' && !p.isBot);
  if (policy === 'noanswer') return agents.length === 0;
  return !agents.some((p) => p.leftAt === state.closedAt);
}

/** Interaction properties are flat strings: nested user data is left out. */
function flatStrings(userData: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(userData).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
