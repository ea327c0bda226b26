import { PackedSlots } from './packed-records';
import {
  InteractionStateError,
  newInteractionId,
  UnknownInteractionError,
  type ManualRouting,
  type InteractionInfo,
  type InteractionProperties,
  type InteractionServer,
  type SubmitRequest,
} from '@ocs/ports';

export interface MemoryInteractionServerOptions {
  /** Hears of an onStopped handler that failed; the other handlers run regardless. */
  readonly onError?: (interactionId: string, error: unknown) => void;
  /** How many stopped interactions stay visible to `get` before the oldest are forgotten; default 1000. */
  readonly keepStopped?: number;
}

/** An interaction as held: its properties are kept apart, packed, in slot `properties` (`NONE` once stopped). */
type Held = Omit<InteractionInfo, 'properties'> & { properties: number };
const NONE = -1;

/**
 * Interaction Server in memory, for the embedded mode. It does not route: a router (a person, a test) lists the
 * waiting interactions, takes one for an agent, puts it back in a queue, or stops it. Keeps copies, so later
 * changes of what was submitted or returned never alter an interaction. A session has one interaction until it is
 * forgotten (see `keepStopped`). A stopped interaction keeps no properties: the user data a customer sent is not
 * held after its chat, and no later update brings any back.
 */
export class MemoryInteractionServer implements InteractionServer, ManualRouting {
  /** In submit order, which is the order interactions wait in. */
  private readonly interactions = new Map<string, Held>();
  /**
   * The properties of the interactions: packed outside the JS heap, as most interactions wait long (async chats)
   * and their properties are read only when one is taken, listed or looked at.
   */
  private readonly properties = new PackedSlots<InteractionProperties>();
  /** The interaction of each chat session, by session id. */
  private readonly bySession = new Map<string, string>();
  /** Stopped interactions, oldest first. */
  private readonly stopped: string[] = [];
  private readonly handlers: Array<(interactionId: string) => void | Promise<void>> = [];
  private readonly onError: (interactionId: string, error: unknown) => void;
  private readonly keepStopped: number;

  constructor({ onError = () => undefined, keepStopped = 1000 }: MemoryInteractionServerOptions = {}) {
    this.onError = onError;
    this.keepStopped = keepStopped;
  }

  async submit(request: SubmitRequest): Promise<{ interactionId: string }> {
    const { tenantDbid, queue, sessionId, properties } = request;
    const submitted = this.bySession.get(sessionId);
    if (submitted !== undefined) return { interactionId: submitted };
    let interactionId = newInteractionId();
    while (this.interactions.has(interactionId)) interactionId = newInteractionId();
    this.bySession.set(sessionId, interactionId);
    this.interactions.set(interactionId, {
      interactionId,
      tenantDbid,
      queue,
      sessionId,
      properties: this.properties.add(properties),
      submittedAt: Date.now(),
      state: 'queued',
    });
    return { interactionId };
  }

  async updateProperties(interactionId: string, properties: InteractionProperties): Promise<void> {
    const { properties: slot } = this.find(interactionId);
    if (slot !== NONE) this.properties.replace(slot, { ...this.properties.read(slot), ...properties });
  }

  async stop(interactionId: string, _reason: string): Promise<void> {
    this.markStopped(this.find(interactionId));
  }

  onStopped(handler: (interactionId: string) => void | Promise<void>): void {
    this.handlers.push(handler);
  }

  async interactionOf(sessionId: string): Promise<string | undefined> {
    return this.bySession.get(sessionId);
  }

  async get(interactionId: string): Promise<InteractionInfo | undefined> {
    const info = this.interactions.get(interactionId);
    return info && this.copy(info);
  }

  /** Interactions waiting in `queue` (in every queue if absent), oldest first. */
  waiting(queue?: string): InteractionInfo[] {
    return [...this.interactions.values()].filter((i) => i.state === 'queued' && (queue === undefined || i.queue === queue)).map((i) => this.copy(i));
  }

  /** Every queue an interaction known here is or was in, by name, with how many wait in it. */
  queues(): Array<{ queue: string; waiting: number }> {
    const counts = new Map<string, number>();
    for (const i of this.interactions.values()) counts.set(i.queue, (counts.get(i.queue) ?? 0) + (i.state === 'queued' ? 1 : 0));
    return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([queue, waiting]) => ({ queue, waiting }));
  }

  /** An agent takes a waiting interaction: queued → routed. */
  take(interactionId: string): InteractionInfo {
    const info = this.inState(interactionId, 'queued', 'take');
    info.state = 'routed';
    return this.copy(info);
  }

  /** A taken interaction goes back to waiting (hold, transfer), in its own queue or in `queue`: routed → queued. */
  requeue(interactionId: string, queue?: string): InteractionInfo {
    const info = this.inState(interactionId, 'routed', 'requeue');
    info.state = 'queued';
    if (queue !== undefined) info.queue = queue;
    return this.copy(info);
  }

  /**
   * Routing stops an interaction: it is stopped and every onStopped handler hears of it, each even if another
   * fails. Stopping a stopped interaction changes nothing and tells no one.
   */
  async stopExternally(interactionId: string): Promise<void> {
    const info = this.find(interactionId);
    if (info.state === 'stopped') return;
    this.markStopped(info);
    const results = await Promise.allSettled(this.handlers.map(async (handler) => handler(interactionId)));
    for (const result of results) if (result.status === 'rejected') this.onError(interactionId, result.reason);
  }

  /** A copy of what is known of an interaction, its properties included (none once stopped). */
  private copy(info: Held): InteractionInfo {
    const { interactionId, tenantDbid, queue, sessionId, submittedAt, state } = info;
    const properties = info.properties === NONE ? {} : this.properties.read(info.properties);
    return { interactionId, tenantDbid, queue, sessionId, properties, submittedAt, state };
  }

  private find(interactionId: string): Held {
    const info = this.interactions.get(interactionId);
    if (!info) throw new UnknownInteractionError(interactionId);
    return info;
  }

  private inState(interactionId: string, expected: InteractionInfo['state'], operation: string): Held {
    const info = this.find(interactionId);
    if (info.state !== expected) throw new InteractionStateError(interactionId, info.state, operation, expected);
    return info;
  }

  private markStopped(info: Held): void {
    if (info.state === 'stopped') return;
    info.state = 'stopped';
    this.properties.remove(info.properties);
    info.properties = NONE;
    this.stopped.push(info.interactionId);
    for (const oldest of this.stopped.splice(0, this.stopped.length - this.keepStopped)) {
      const forgotten = this.find(oldest);
      this.bySession.delete(forgotten.sessionId);
      this.interactions.delete(oldest);
    }
  }
}
