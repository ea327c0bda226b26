import type { Clock } from '@ocs/chat-domain';
import {
  readRoutingCommand,
  routingAgentChannel,
  routingDecisionChannel,
  TOPICS,
  type RoutingCommandRecord,
  type RoutingDecisionOutcome,
} from '@ocs/contracts';
import type { BusRecord, BusSubscription, EventBus, FanOut, InteractionServer, RoutingStore, TakenRecord } from '@ocs/ports';
import { Router, RoutingError, type QueueConfigInput, type RouterOptions, type RoutingEvent } from '@ocs/routing';
import { applyCommand } from './apply-command';
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

/** Commands of one tenant applied in one step at most: a step reads, copies and saves the tenant's whole state. */
const MAX_BATCH = 256;

/** A command taken in from the bus, waiting for its tenant's next step; `done` once that step is over. */
interface Pending {
  command: RoutingCommandRecord;
  position?: BusPosition;
  done(): void;
}

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
  /** Per tenant, the commands taken in and not yet applied. */
  private readonly inbox = new Map<number, Pending[]>();
  /** The revision this replica last saved or read, per tenant: another one means another replica wrote. */
  private readonly known = new Map<number, number>();
  private stopped = false;

  /** Refuses (a `RoutingError` naming the queue and field) a tenant's queues the routing core would refuse. */
  constructor(private readonly deps: RoutingRuntimeDeps) {
    for (const queues of Object.values(deps.options.tenants)) new Router(deps.clock, queues, deps.options.router);
  }

  async start(): Promise<void> {
    this.subscription = await this.deps.bus.subscribe(TOPICS.routingCommands, ROUTING_GROUP, (record) => this.take(record));
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

  /** Applies one record of the routing topic, resolving once it is; a malformed one is reported and skipped. */
  async handle(record: BusRecord): Promise<void> {
    await this.take(record)?.handled;
  }

  /**
   * Takes one record of the routing topic in: it is applied in its tenant's next step, together with every command
   * of the tenant that came meanwhile (up to `MAX_BATCH`), so that a busy tenant's state is read and saved once per
   * step and not once per command. Handled once that step is over.
   */
  take(record: BusRecord): TakenRecord | undefined {
    const read = readRoutingCommand(record.value);
    if ('ignored' in read) return undefined;
    if ('problem' in read) {
      this.deps.onError?.(undefined, new Error(`malformed ${TOPICS.routingCommands} record skipped: ${read.problem}`));
      return undefined;
    }
    const command = read.value;
    const { partition, offset } = record;
    let done: () => void = () => undefined;
    const handled = new Promise<void>((resolve) => (done = resolve));
    const pending: Pending = { command, ...(partition !== undefined && offset !== undefined ? { position: { partition, offset } } : {}), done };
    const waiting = this.inbox.get(command.tenant);
    if (waiting) waiting.push(pending);
    else {
      this.inbox.set(command.tenant, [pending]);
      void this.serially(command.tenant, () => this.drain(command.tenant));
    }
    return { handled };
  }

  /** Runs what is due for every tenant (timeouts, grace, aging, overflow), and tells open offers another replica made. */
  async sweep(): Promise<void> {
    await Promise.all(Object.keys(this.deps.options.tenants).map((t) => this.serially(Number(t), () => this.transact(Number(t), [], true))));
  }

  /** Applies what waits for the tenant, a step at a time, until nothing does; each command is done with its step. */
  private async drain(tenant: number): Promise<void> {
    const waiting = this.inbox.get(tenant) ?? [];
    try {
      while (waiting.length > 0) {
        const batch = waiting.splice(0, MAX_BATCH);
        try {
          await this.commands(tenant, batch);
        } catch (error) {
          this.deps.onError?.(tenant, error);
        } finally {
          for (const p of batch) p.done();
        }
      }
    } finally {
      this.inbox.delete(tenant);
    }
  }

  private async commands(tenant: number, batch: Pending[]): Promise<void> {
    if (this.deps.options.tenants[tenant]) return this.transact(tenant, batch, false);
    for (const { command } of batch) {
      if ('agentId' in command)
        await this.tell(tenant, [{ agentId: command.agentId, message: refused(command.commandId, 'UNKNOWN_QUEUE', `tenant ${tenant} has no routing queues`) }]);
    }
  }

  /**
   * Reads, applies the commands not yet applied, decides, saves on the revision read, and only then tells: until a
   * save succeeds or every command is found applied. No command (a timer step) only decides; `onlyIfDue`: a sweep
   * saves nothing unless a deadline has passed.
   */
  private async transact(tenant: number, batch: readonly Pending[], onlyIfDue: boolean): Promise<void> {
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
      const fresh = batch.filter(({ command, position }) => !isApplied(doc, command.commandId, position));
      if (batch.length > 0 && fresh.length === 0) {
        for (const { command } of batch) await this.reply(tenant, command, router, undefined);
        return;
      }
      const deadline = router.nextDeadline();
      if (onlyIfDue && (deadline === undefined || deadline > clock.now())) return this.schedule(tenant, deadline);
      // A refused command changes nothing.
      const refusals = new Map<RoutingCommandRecord, RoutingError>();
      const events = router.inOneStep(() =>
        fresh.flatMap(({ command }) => {
          try {
            return applyCommand(router, command);
          } catch (error) {
            if (!(error instanceof RoutingError)) throw error;
            refusals.set(command, error);
            return [];
          }
        }),
      );
      events.push(...router.decide());
      await this.deps.beforeSave?.(tenant);
      const applied = fresh.map(({ command, position }) => ({ commandId: command.commandId, position }));
      if (!(await store.save(key, withApplied(doc, router.final(), applied), revision))) continue;
      this.known.set(tenant, revision + 1);
      this.deps.observe?.(tenant, events, router.depths());
      await this.tell(tenant, eventMessages(events));
      for (const e of events) if (e.type === 'ask-external') this.deps.askExternal?.(tenant, e);
      await this.updateProperties(tenant, router, events);
      for (const { command } of batch) await this.reply(tenant, command, router, refusals.get(command));
      return this.schedule(tenant, router.nextDeadline());
    }
    const what = batch.length > 0 ? `${batch.length} command(s) (${batch[0].command.type}, …)` : 'a timer step';
    this.deps.onError?.(tenant, new Error(`routing gave up ${what}: other replicas kept saving first`));
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
    const timer = setTimeout(() => void this.serially(tenant, () => this.transact(tenant, [], true)), delay);
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
