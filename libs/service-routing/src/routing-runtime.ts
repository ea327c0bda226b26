import type { Clock } from '@ocs/chat-domain';
import {
  readRoutingCommand,
  routingAgentChannel,
  routingDecisionChannel,
  TOPICS,
  type RoutingCommandRecord,
  type RoutingDecisionOutcome,
} from '@ocs/contracts';
import type { BusRecord, BusSubscription, EventBus, FanOut, InteractionServer, RoutingStore } from '@ocs/ports';
import { Router, RoutingError, type QueueConfigInput, type RouterOptions, type RoutingEvent } from '@ocs/routing';
import { commandReply, eventMessages, openOffers, type AgentMessage } from './agent-replies';
import { isApplied, readDocument, withApplied, type BusPosition } from './routing-document';

/** The consumer group of the routing replicas on `TOPICS.routingCommands`. */
export const ROUTING_GROUP = 'routing';

export interface RoutingRuntimeOptions {
  /** Tenant dbid → its queues (from `[endpoints:<tenant>]` and the `[queue:<name>]` sections). */
  tenants: Readonly<Record<number, readonly QueueConfigInput[]>>;
  router?: Partial<RouterOptions>;
  /** How often every tenant's timers are looked at, besides the timer at its next deadline (ms). */
  sweepMs: number;
  /** Saves tried per command before it is given up (each refused save means another replica wrote first). */
  maxAttempts?: number;
}

export interface RoutingRuntimeDeps {
  store: RoutingStore;
  bus: EventBus;
  fanOut: FanOut;
  interactions: InteractionServer;
  clock: Clock;
  options: RoutingRuntimeOptions;
  /** A malformed record (skipped), a command given up, a failed property update. */
  onError?: (tenant: number | undefined, error: unknown) => void;
  /** Told of the events of every saved step, and of the queue depths after it (metrics). */
  observe?: (tenant: number, events: readonly RoutingEvent[], depths: Readonly<Record<string, number>>) => void;
  /**
   * Told of every `ask-external` request a saved step made, to deliver to the queue's decider (a webhook); the
   * answer comes back as an `external-decision` command. Not awaited: a slow decider holds up no step.
   */
  askExternal?: (tenant: number, ask: Extract<RoutingEvent, { type: 'ask-external' }>) => void;
  /** Called after a step is applied and before it is saved (tests pause a replica here). */
  beforeSave?: (tenant: number) => Promise<void>;
}

type Step = (router: Router) => RoutingEvent[];

/**
 * The built-in routing as a service: agents' commands and the chat server's new and ended interactions arrive as
 * records on `TOPICS.routingCommands` (keyed by tenant, so one member of the group applies a tenant's commands in
 * order). Each command is applied to the tenant's stored state and saved on the revision it was read at; only a
 * successful save is followed by what the step decided (offers to agents, interaction properties). A refused save
 * means another replica saved first: the state is read again and the command applied again on it, unless it is
 * already there (its bus position, or its id, is recorded with the state), so every decision is made, and told, once. After another
 * replica wrote, the open offers are told again with their stable ids (that replica may have stopped before telling
 * them); agents drop duplicates.
 */
export class RoutingRuntime {
  private subscription: BusSubscription | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly chains = new Map<number, Promise<void>>();
  /** The revision this replica last saved or read, per tenant: another one means another replica wrote. */
  private readonly known = new Map<number, number>();
  private stopped = false;

  /** Refuses (a `RoutingError` naming the queue and field) a tenant's queues the routing core would refuse. */
  constructor(private readonly deps: RoutingRuntimeDeps) {
    for (const queues of Object.values(deps.options.tenants)) new Router(deps.clock, queues, deps.options.router);
  }

  async start(): Promise<void> {
    this.subscription = await this.deps.bus.subscribe(TOPICS.routingCommands, ROUTING_GROUP, (record) => this.handle(record));
    this.sweeper = setInterval(() => void this.sweep(), this.deps.options.sweepMs);
    this.sweeper.unref();
    await this.sweep();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await this.subscription?.close();
    await Promise.all(this.chains.values());
  }

  /** Resolves once every step this replica has begun is done. */
  async idle(): Promise<void> {
    let pending = [...this.chains.values()];
    while (pending.length > 0) {
      await Promise.all(pending);
      const next = [...this.chains.values()];
      pending = next.some((c, i) => c !== pending[i]) ? next : [];
    }
  }

  /** Applies one record of the routing topic; a malformed one is reported and skipped. */
  async handle(record: BusRecord): Promise<void> {
    const read = readRoutingCommand(record.value);
    if ('ignored' in read) return;
    if ('problem' in read) return this.deps.onError?.(undefined, new Error(`malformed ${TOPICS.routingCommands} record skipped: ${read.problem}`));
    const command = read.value;
    const { partition, offset } = record;
    const position = partition !== undefined && offset !== undefined ? { partition, offset } : undefined;
    await this.serially(command.tenant, () => this.command(command, position));
  }

  /** Runs what is due for every tenant (timeouts, grace, aging, overflow), and tells open offers another replica made. */
  async sweep(): Promise<void> {
    await Promise.all(
      Object.keys(this.deps.options.tenants).map((t) => this.serially(Number(t), () => this.transact(Number(t), undefined, (r) => r.decide(), true))),
    );
  }

  private async command(command: RoutingCommandRecord, position: BusPosition | undefined): Promise<void> {
    const agentId = 'agentId' in command ? command.agentId : undefined;
    if (!this.deps.options.tenants[command.tenant]) {
      if (agentId)
        await this.tell(command.tenant, [{ agentId, message: refused(command.commandId, 'UNKNOWN_QUEUE', `tenant ${command.tenant} has no routing queues`) }]);
      return;
    }
    await this.transact(command.tenant, command, (router) => [...applyCommand(router, command), ...router.decide()], false, position);
  }

  /**
   * Reads, applies, saves on the revision read, and only then tells: until a save succeeds or the command is found
   * applied. `onlyIfDue`: a sweep saves nothing unless a deadline has passed.
   */
  private async transact(tenant: number, command: RoutingCommandRecord | undefined, step: Step, onlyIfDue: boolean, position?: BusPosition): Promise<void> {
    const { store, clock, options } = this.deps;
    const key = String(tenant);
    for (let attempt = 1; attempt <= (options.maxAttempts ?? 20); attempt++) {
      if (this.stopped) return;
      const stored = await store.load(key);
      const revision = stored?.revision ?? 0;
      const doc = readDocument(stored?.state);
      const router = new Router(clock, options.tenants[tenant] ?? [], options.router, doc.routing);
      const foreign = this.known.get(tenant) !== revision;
      this.known.set(tenant, revision);
      if (foreign) await this.tell(tenant, openOffers(router, clock.now()));
      if (command && isApplied(doc, command.commandId, position)) return this.reply(tenant, command, router, undefined);
      const deadline = router.nextDeadline();
      if (onlyIfDue && (deadline === undefined || deadline > clock.now())) return this.schedule(tenant, deadline);
      let events: RoutingEvent[];
      let refusal: RoutingError | undefined;
      try {
        events = step(router);
      } catch (error) {
        if (!(error instanceof RoutingError)) throw error;
        refusal = error;
        events = [...router.tick(), ...router.decide()];
      }
      await this.deps.beforeSave?.(tenant);
      if (!(await store.save(key, withApplied(doc, router.toJSON(), command?.commandId, position), revision))) continue;
      this.known.set(tenant, revision + 1);
      this.deps.observe?.(tenant, events, router.depths());
      await this.tell(tenant, eventMessages(events));
      for (const e of events) if (e.type === 'ask-external') this.deps.askExternal?.(tenant, e);
      await this.updateProperties(tenant, router, events);
      if (command) await this.reply(tenant, command, router, refusal);
      return this.schedule(tenant, router.nextDeadline());
    }
    this.deps.onError?.(tenant, new Error(`routing gave up ${command ? `command ${command.type}` : 'a timer step'}: other replicas kept saving first`));
  }

  private async reply(tenant: number, command: RoutingCommandRecord, router: Router, refusal: RoutingError | undefined): Promise<void> {
    if (command.type === 'external-decision') {
      const { requestId, commandId } = command;
      const outcome: RoutingDecisionOutcome = refusal
        ? { type: 'refused', commandId, requestId, code: refusal.code, message: refusal.message }
        : { type: 'decided', commandId, requestId };
      return this.deps.fanOut.publish(routingDecisionChannel(tenant, requestId), JSON.stringify(outcome));
    }
    if (refusal) {
      if ('agentId' in command) await this.tell(tenant, [{ agentId: command.agentId, message: refused(command.commandId, refusal.code, refusal.message) }]);
      return;
    }
    try {
      const answer = await commandReply(command, router, this.deps.interactions);
      if (answer) await this.tell(tenant, [answer]);
    } catch (error) {
      if (!(error instanceof RoutingError) || !('agentId' in command)) throw error;
      await this.tell(tenant, [{ agentId: command.agentId, message: refused(command.commandId, error.code, error.message) }]);
    }
  }

  private async tell(tenant: number, messages: readonly AgentMessage[]): Promise<void> {
    for (const { agentId, message } of messages) await this.deps.fanOut.publish(routingAgentChannel(tenant, agentId), JSON.stringify(message));
  }

  /** Keeps `IsOnline`, `RTargetAgentSelected` and the `Routing*` keys current on every interaction the step touched. */
  private async updateProperties(tenant: number, router: Router, events: readonly RoutingEvent[]): Promise<void> {
    const touched = new Set(events.flatMap((e) => ('interactionId' in e ? [e.interactionId] : [])));
    for (const interactionId of touched) {
      const properties = router.properties(interactionId);
      if (!properties) continue;
      try {
        await this.deps.interactions.updateProperties(interactionId, properties);
      } catch (error) {
        this.deps.onError?.(tenant, error);
      }
    }
  }

  /** A timer at the tenant's next deadline (the sweep covers a replica that did not make the last step). */
  private schedule(tenant: number, deadline: number | undefined): void {
    clearTimeout(this.timers.get(tenant));
    this.timers.delete(tenant);
    if (deadline === undefined || this.stopped) return;
    const delay = Math.max(0, deadline - this.deps.clock.now());
    if (delay > this.deps.options.sweepMs) return;
    const timer = setTimeout(() => void this.serially(tenant, () => this.transact(tenant, undefined, (r) => r.decide(), true)), delay);
    timer.unref();
    this.timers.set(tenant, timer);
  }

  /** One step at a time per tenant in this replica; a failing step is reported, not thrown at the bus. */
  private serially(tenant: number, work: () => Promise<void>): Promise<void> {
    const next = (this.chains.get(tenant) ?? Promise.resolve()).then(work).catch((error: unknown) => this.deps.onError?.(tenant, error));
    this.chains.set(tenant, next);
    return next;
  }
}

function refused(commandId: string, code: string, message: string): AgentMessage['message'] {
  return { type: 'refused', commandId, code, message };
}

/** One command applied to the router (presence, offers, picks, transfers, interactions coming and going). */
function applyCommand(router: Router, c: RoutingCommandRecord): RoutingEvent[] {
  switch (c.type) {
    case 'login':
      return router.login({ agentId: c.agentId, capacity: c.capacity, skills: c.skills, queues: c.queues, ready: c.ready, notReadyReason: c.notReadyReason });
    case 'ready':
      return router.setReady(c.agentId);
    case 'not-ready':
      return router.setNotReady(c.agentId, c.reason);
    case 'connection-lost':
      return router.connectionLost(c.agentId);
    case 'reconnect':
      return router.reconnect(c.agentId);
    case 'logout':
      return router.logout(c.agentId);
    case 'accept':
      return router.accept(c.offerId, c.agentId);
    case 'decline':
      return router.decline(c.offerId, c.agentId);
    case 'pick':
      return router.pick(c.agentId, c.interactionId);
    case 'view':
      router.waiting(c.queue);
      return router.tick();
    case 'transfer':
      return transfer(router, c);
    case 'enqueue':
      return router.enqueue({ interactionId: c.interactionId, queue: c.queue, mediaType: c.mediaType });
    case 'remove':
      return router.remove(c.interactionId, c.cause);
    case 'external-decision':
      if ((c.queue === undefined) === (c.targetAgentId === undefined))
        throw new RoutingError('INVALID_ARGUMENT', 'an external decision names either a targetAgentId or a queue');
      return router.externalDecision(c.requestId, c.queue !== undefined ? { queue: c.queue } : { agentId: c.targetAgentId as string });
  }
}

function transfer(router: Router, c: Extract<RoutingCommandRecord, { type: 'transfer' }>): RoutingEvent[] {
  const it = router.interaction(c.interactionId);
  if (it && it.agentId !== c.agentId && it.offer?.agentId !== c.agentId) {
    throw new RoutingError('NOT_ELIGIBLE', `interaction ${JSON.stringify(c.interactionId)} is not routed to agent ${JSON.stringify(c.agentId)}`);
  }
  if ((c.queue === undefined) === (c.targetAgentId === undefined))
    throw new RoutingError('INVALID_ARGUMENT', 'a transfer names either a queue or a targetAgentId');
  return c.queue !== undefined ? router.transferToQueue(c.interactionId, c.queue) : router.transferToAgent(c.interactionId, c.targetAgentId as string);
}
