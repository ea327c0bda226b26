import type { Clock } from '@ocs/chat-domain';
import { jsonCopy } from '@ocs/ports';
import { requireName, ROUTER_DEFAULTS, type RoutingContext } from './context';
import { decide } from './decide';
import { RoutingError } from './errors';
import { enqueue, remove, transferToAgent, transferToQueue, type EnqueueRequest } from './interactions';
import { accept, decline, externalDecision, pick, type ExternalDecision } from './offers';
import { connectionLost, login, logout, reconnect, setNotReady, setReady, type AgentProfile } from './presence';
import { emptyLiveState, HandedOverState, shareState, type LiveState, type StoredRoutingState } from './live-state';
import { routingProperties } from './properties';
import { effectivePriority, validateQueues, type QueueConfigInput } from './queue-config';
import { nextDeadline, runTimers } from './timers';
import type { AgentState, GoneCause, InteractionState, QueueConfig, RouterOptions, RoutingEvent, RoutingState } from './types';

function checkedOptions(options: Partial<RouterOptions>): RouterOptions {
  const merged = { ...ROUTER_DEFAULTS, ...options };
  for (const [key, value] of Object.entries(merged)) {
    if (!Number.isInteger(value) || value < 0) throw new RoutingError('INVALID_CONFIG', `router option ${key} must be a whole number ≥ 0`);
  }
  return merged;
}

/**
 * The routing core over one state: every operation first runs what is due by the clock, then does its work, and
 * answers the events of both. A refused operation (a `RoutingError`) changes nothing of its own; the events of the
 * timers run before it are answered with the next operation. The state is plain JSON (`toJSON`), and a router made
 * on a stored state carries on from it.
 */
export class Router {
  private readonly queues: ReadonlyMap<string, QueueConfig>;
  private readonly options: RouterOptions;
  private readonly state: LiveState;
  /** The records this router made or copied, which it may change; the others are the stored state's (see `writable`). */
  private readonly owned = new WeakSet<object>();
  private pending: RoutingEvent[] = [];
  /** The state was handed over (`final`): operations that change it are refused. */
  private finished = false;
  /** Inside `inOneStep`: the timers ran at its start, not before each operation. */
  private timersHeld = false;

  constructor(
    private readonly clock: Clock,
    queues: readonly QueueConfigInput[],
    options: Partial<RouterOptions> = {},
    state?: StoredRoutingState,
  ) {
    this.queues = new Map(validateQueues(queues).map((q) => [q.name, q]));
    this.options = checkedOptions(options);
    if (state !== undefined && !(state instanceof HandedOverState) && (typeof state !== 'object' || state === null || state.version !== 1)) {
      throw new RoutingError('INVALID_ARGUMENT', 'a stored routing state must be a version 1 state');
    }
    this.state = state === undefined ? emptyLiveState() : shareState(state);
  }

  /** A copy of the whole state, JSON as it is. */
  toJSON(): RoutingState {
    return jsonCopy(new HandedOverState(this.state).toJSON());
  }

  /**
   * The state itself, uncopied, for a caller that stores it and then only reads through this router (no operation
   * changes it again): saving a busy tenant's state at every step without one more copy of it. A router made on it
   * later shares its records, and copies those it changes: the state handed over is never changed.
   */
  final(): HandedOverState {
    this.finished = true;
    return new HandedOverState(this.state);
  }

  login(profile: AgentProfile): RoutingEvent[] {
    return this.run((ctx) => login(ctx, profile));
  }
  setReady(agentId: string): RoutingEvent[] {
    return this.run((ctx) => setReady(ctx, agentId));
  }
  setNotReady(agentId: string, reason?: string): RoutingEvent[] {
    return this.run((ctx) => setNotReady(ctx, agentId, reason));
  }
  connectionLost(agentId: string): RoutingEvent[] {
    return this.run((ctx) => connectionLost(ctx, agentId));
  }
  reconnect(agentId: string): RoutingEvent[] {
    return this.run((ctx) => reconnect(ctx, agentId));
  }
  logout(agentId: string): RoutingEvent[] {
    return this.run((ctx) => logout(ctx, agentId));
  }
  enqueue(request: EnqueueRequest): RoutingEvent[] {
    return this.run((ctx) => enqueue(ctx, request));
  }
  /** Runs what is due and makes the offers (and external requests) to make now. */
  decide(): RoutingEvent[] {
    return this.run((ctx) => decide(ctx));
  }
  /** Runs only what is due (timeouts, grace, overflow), making no offer. */
  tick(): RoutingEvent[] {
    return this.run(() => undefined);
  }

  /**
   * Runs `operations` (several commands that came together) as one step: the timers run once, at its start, and not
   * again before each operation, which would scan every agent and chat each time. Their events, and those of the
   * timers, are returned; `decide` after it runs the timers again as always (a chat that reached its queue's
   * `maxOffers` in the step is parked before it could be offered again).
   */
  inOneStep(operations: () => RoutingEvent[]): RoutingEvent[] {
    const events = this.tick();
    this.timersHeld = true;
    try {
      events.push(...operations());
    } finally {
      this.timersHeld = false;
    }
    return events;
  }
  accept(offerId: string, agentId: string): RoutingEvent[] {
    return this.run((ctx) => accept(ctx, offerId, agentId));
  }
  decline(offerId: string, agentId: string): RoutingEvent[] {
    return this.run((ctx) => decline(ctx, offerId, agentId));
  }
  pick(agentId: string, interactionId: string): RoutingEvent[] {
    return this.run((ctx) => pick(ctx, agentId, interactionId));
  }
  externalDecision(requestId: string, decision: ExternalDecision): RoutingEvent[] {
    return this.run((ctx) => externalDecision(ctx, requestId, decision));
  }
  transferToQueue(interactionId: string, queue: string): RoutingEvent[] {
    return this.run((ctx) => transferToQueue(ctx, interactionId, queue));
  }
  transferToAgent(interactionId: string, agentId: string): RoutingEvent[] {
    return this.run((ctx) => transferToAgent(ctx, interactionId, agentId));
  }
  remove(interactionId: string, cause: GoneCause): RoutingEvent[] {
    return this.run((ctx) => remove(ctx, interactionId, cause));
  }

  agent(agentId: string): AgentState | undefined {
    const agent = this.state.agents.get(agentId);
    return agent && structuredClone(agent);
  }
  interaction(interactionId: string): InteractionState | undefined {
    const it = this.state.interactions.get(interactionId);
    return it && structuredClone(it);
  }
  /** What waits in a queue (for a manual pick), in the order it would be served: effective priority, then place in line. */
  waiting(queue: string): InteractionState[] {
    const now = this.clock.now();
    const q = this.queues.get(requireName(queue, 'queue'));
    if (!q) throw new RoutingError('UNKNOWN_QUEUE', `unknown queue ${JSON.stringify(queue)}`);
    const rank = (it: InteractionState): number => effectivePriority(q, it.priority, now - it.enqueuedAt);
    return [...this.state.interactions.values()]
      .filter((it) => it.queue === queue && it.status === 'waiting')
      .sort((a, b) => rank(b) - rank(a) || a.enqueuedAt - b.enqueuedAt)
      .map((it) => structuredClone(it));
  }
  /** The interactions offered to an agent now, with their open offers. */
  offered(): InteractionState[] {
    return [...this.state.interactions.values()].filter((it) => it.status === 'offered' && it.offer !== undefined).map((it) => structuredClone(it));
  }
  /** How many interactions wait (or await an external decision) in each queue; every configured queue is listed. */
  depths(): Record<string, number> {
    const depths: Record<string, number> = Object.fromEntries([...this.queues.keys()].map((q) => [q, 0]));
    for (const it of this.state.interactions.values()) {
      if (it.status === 'waiting' || it.status === 'deciding') depths[it.queue] = (depths[it.queue] ?? 0) + 1;
    }
    return depths;
  }
  /** The properties to keep current on the interaction, or undefined if it is not in routing. */
  properties(interactionId: string): Record<string, string> | undefined {
    const it = this.state.interactions.get(interactionId);
    return it && routingProperties(it, this.clock.now());
  }
  /** When `tick` (or `decide`) should run next at the latest, or undefined if nothing is due. */
  nextDeadline(): number | undefined {
    return nextDeadline(this.state, this.queues);
  }
  queueNames(): string[] {
    return [...this.queues.keys()];
  }

  private run(operation: (ctx: RoutingContext) => void): RoutingEvent[] {
    if (this.finished) throw new Error('this router handed its state over (final): make a new router on it to change it');
    const ctx: RoutingContext = {
      state: this.state,
      owned: this.owned,
      queues: this.queues,
      options: this.options,
      now: this.clock.now(),
      events: this.pending,
    };
    this.pending = [];
    if (!this.timersHeld) runTimers(ctx);
    const before = ctx.events.length;
    try {
      operation(ctx);
    } catch (e) {
      this.pending = ctx.events.slice(0, before);
      throw e;
    }
    return ctx.events;
  }
}
