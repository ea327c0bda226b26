/**
 * The routing core's data: the queues' configuration, the agents' presence, the interactions in routing and the
 * events it reports. Everything here is plain JSON-serializable data (records, arrays, numbers as epoch
 * milliseconds), so the state can be stored and loaded again as it is.
 */

/** How a queue picks the agent for its next interaction. */
export const STRATEGIES = ['longest-idle', 'least-busy', 'round-robin', 'manual', 'external'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** Skill levels run from 0 to 10. */
export const MIN_SKILL_LEVEL = 0;
export const MAX_SKILL_LEVEL = 10;

/** A queue as the router uses it: every field set (see `queue-config.ts` for the defaults and the checks). */
export interface QueueConfig {
  name: string;
  strategy: Strategy;
  /** Skill → minimum level an agent needs to be offered the queue's interactions. */
  requiredSkills: Record<string, number>;
  /** Base priority of a new interaction of the queue (higher is served first). */
  priority: number;
  /** Every `agingStepMs` of waiting adds `agingIncrement` to the priority; 0 disables aging. */
  agingStepMs: number;
  agingIncrement: number;
  /** Aging never raises the priority above this. */
  maxPriority: number;
  /** Where an interaction goes after `overflowAfterMs` of waiting here, or after `maxOffers` offers. */
  overflowQueue?: string;
  /** 0: no overflow on waiting time. */
  overflowAfterMs: number;
  /** An offer not answered in this time is redirected to the next agent. */
  offerTimeoutMs: number;
  /** Offers made in this queue before the interaction overflows (or, without an overflow queue, is parked); 0: no limit. */
  maxOffers: number;
  /** How long an agent that declined or let an offer time out is skipped for that interaction. */
  redirectSkipMs: number;
  /** How long an interaction that used up its offers rests before offers start again. */
  parkMs: number;
  /** An `external` decision not given in this time is asked again. */
  externalTimeoutMs: number;
}

/** Router-wide settings. */
export interface RouterOptions {
  /** A lost connection keeps the agent's presence, offers and chats this long. */
  graceMs: number;
  /** More than `flapLimit` ready/not-ready changes within `flapWindowMs` holds the agent out of offers ... */
  flapWindowMs: number;
  flapLimit: number;
  /** ... until it has made no change for `flapQuietMs`. */
  flapQuietMs: number;
  /** Interactions that left the router are remembered (for clear refusals of late operations) up to this many. */
  goneMemory: number;
}

export interface AgentState {
  agentId: string;
  ready: boolean;
  /** The reason code given with the last not-ready. */
  notReadyReason?: string;
  /** Media type → chats at once. */
  capacity: Record<string, number>;
  /** Skill → level (0–10). */
  skills: Record<string, number>;
  queues: string[];
  /** When the agent last became ready or was last offered an interaction: the longest-idle key. */
  idleSince: number;
  lastAssignmentAt?: number;
  connected: boolean;
  /** While disconnected: when the grace ends and the agent is gone. */
  graceUntil?: number;
  /** Times of the recent ready/not-ready changes (within the flapping window). */
  readyChanges: number[];
  /** Held out of offers for flapping until then. */
  flappingUntil?: number;
}

export type InteractionStatus = 'waiting' | 'offered' | 'routed' | 'deciding';

export interface Offer {
  offerId: string;
  agentId: string;
  offeredAt: number;
  expiresAt: number;
}

export interface InteractionState {
  interactionId: string;
  queue: string;
  mediaType: string;
  /** Base priority (the queue's unless given at enqueue). */
  priority: number;
  /** The original enqueue time: the interaction's place in line, kept when it is returned to the queue. */
  enqueuedAt: number;
  /** When it entered its current queue (overflow waiting time). */
  queuedAt: number;
  status: InteractionStatus;
  offer?: Offer;
  /** The agent that has it (routed). */
  agentId?: string;
  acceptedOfferId?: string;
  acceptedAt?: number;
  /** Transferred to a named agent: offered to that agent only, until `targetUntil`; then back to its queue. */
  targetAgentId?: string;
  targetUntil?: number;
  /** Agent → skipped until (after a decline or no answer). */
  skip: Record<string, number>;
  /** Offers made in the current queue. */
  offers: number;
  /** Number of the last offer made (offer ids are `<interactionId>:<n>`). */
  offerSeq: number;
  parkedUntil?: number;
  /** The pending `external` request. */
  externalRequest?: { requestId: string; expiresAt: number };
  /** Already reported as one no agent can take (reported once per stay in a queue). */
  unservableReported?: boolean;
}

export type GoneCause = 'abandoned' | 'stopped' | 'completed';

export interface GoneRecord {
  interactionId: string;
  cause: GoneCause;
  at: number;
}

/** The whole routing state: JSON as it is. */
export interface RoutingState {
  version: 1;
  agents: Record<string, AgentState>;
  interactions: Record<string, InteractionState>;
  /** Round-robin pointer: queue → the agent last offered one of its interactions. */
  roundRobin: Record<string, string>;
  /** Recently gone interactions, oldest first. */
  gone: GoneRecord[];
  /** Sequence of `external` request ids. */
  externalSeq: number;
}

export type RedirectReason = 'declined' | 'no-answer' | 'agent-not-ready' | 'agent-lost' | 'target-unavailable';

/** What happened, for metrics and for keeping the interaction's properties current. Wait times in milliseconds. */
export type RoutingEvent =
  | { type: 'queued'; at: number; interactionId: string; queue: string }
  | { type: 'offered'; at: number; interactionId: string; queue: string; agentId: string; offerId: string; expiresAt: number; waitMs: number }
  | { type: 'accepted'; at: number; interactionId: string; queue: string; agentId: string; offerId: string; waitMs: number; picked: boolean }
  | { type: 'declined'; at: number; interactionId: string; queue: string; agentId: string; offerId: string }
  | { type: 'redirected'; at: number; interactionId: string; queue: string; agentId: string; reason: RedirectReason }
  | { type: 'returned'; at: number; interactionId: string; queue: string; agentId: string; reason: 'agent-lost' }
  | { type: 'overflowed'; at: number; interactionId: string; from: string; queue: string; reason: 'wait' | 'max-offers'; waitMs: number }
  | { type: 'parked'; at: number; interactionId: string; queue: string; until: number }
  | { type: 'transferred'; at: number; interactionId: string; from: string; queue: string; agentId?: string }
  | { type: 'abandoned'; at: number; interactionId: string; queue: string; cause: 'abandoned' | 'stopped'; waitMs: number }
  | { type: 'completed'; at: number; interactionId: string; queue: string; agentId: string }
  | { type: 'unservable'; at: number; interactionId: string; queue: string; reason: string }
  | { type: 'ask-external'; at: number; interactionId: string; queue: string; requestId: string; candidates: string[]; expiresAt: number }
  | { type: 'agent-gone'; at: number; agentId: string }
  | { type: 'agent-flapping'; at: number; agentId: string; until: number };

export type RoutingEventType = RoutingEvent['type'];
