import { randomBytes } from 'node:crypto';

/**
 * Interaction Server, as the chat server uses it: each chat session is an interaction in a queue, whose
 * properties (user data) the chat server keeps current. Adapters: in-memory (embedded, with a router surface
 * a person can drive), and a shared interaction queue on Cassandra and the event bus (cluster mode).
 */
export type InteractionProperties = Record<string, string>;

export interface SubmitRequest {
  tenantDbid: number;
  /** The queue named by `[endpoints:<tenant>]` for the session's endpoint. */
  queue: string;
  mediaType: 'chat';
  /** The chat session this interaction stands for. */
  sessionId: string;
  properties: InteractionProperties;
}

export interface InteractionInfo {
  interactionId: string;
  tenantDbid: number;
  queue: string;
  sessionId: string;
  properties: InteractionProperties;
  submittedAt: number;
  /** Where the interaction is: waiting in its queue, taken by an agent (routed), or stopped. */
  state: 'queued' | 'routed' | 'stopped';
}

export interface InteractionServer {
  /**
   * Puts the session's interaction in its queue. Idempotent per session, as the bus delivers at least once:
   * submitting again for a session that already has an interaction (even a stopped one) answers that interaction's
   * id, creates none and ignores the repeat's properties.
   */
  submit(request: SubmitRequest): Promise<{ interactionId: string }>;
  /** Adds or replaces properties; other properties stay. Refuses an unknown interaction. */
  updateProperties(interactionId: string, properties: InteractionProperties): Promise<void>;
  /** The chat server stops an interaction (`stop-abandoned-interaction`). Stopping twice is harmless. */
  stop(interactionId: string, reason: string): Promise<void>;
  /** Someone else (routing, a desktop) stopped an interaction: the chat server closes its session. */
  onStopped(handler: (interactionId: string) => void | Promise<void>): void;
  get(interactionId: string): Promise<InteractionInfo | undefined>;
  /** The interaction submitted for a session, if one was (and is not forgotten). */
  interactionOf(sessionId: string): Promise<string | undefined>;
}

/** The interaction does not exist (never submitted, or stopped long ago and forgotten). */
export class UnknownInteractionError extends Error {
  constructor(readonly interactionId: string) {
    super(`no interaction ${JSON.stringify(interactionId)}`);
    this.name = 'UnknownInteractionError';
  }
}

/** The interaction is not in the state the operation needs (say, taking one that is not waiting). */
export class InteractionStateError extends Error {
  constructor(
    readonly interactionId: string,
    readonly state: InteractionInfo['state'],
    operation: string,
    expected: InteractionInfo['state'],
  ) {
    super(`cannot ${operation} interaction ${interactionId}: it is ${state}, not ${expected}`);
    this.name = 'InteractionStateError';
  }
}

/** A new interaction id: 16 uppercase hex digits (64 crypto-random bits). */
export function newInteractionId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}
