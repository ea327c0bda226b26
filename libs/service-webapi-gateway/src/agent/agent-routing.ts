import { AgentApiError, routingEvent, type RequestId, type RoutingRequest, type ServerEvent } from '@ocs/agent-protocol';
import { checkTenant, type JoinScope } from '@ocs/chat-domain';
import { routingAgentChannel, TOPICS, type RoutingAgentMessage, type RoutingCommandRecord } from '@ocs/contracts';
import type { EventBus, FanOut } from '@ocs/ports';
import { randomUUID } from 'node:crypto';

/** Where the agent API reaches the built-in routing: commands on the bus, routing's messages on the fan-out. */
export interface AgentRoutingPorts {
  bus: EventBus;
  fanOut: FanOut;
  now: () => number;
}

/** Offer ids remembered per connection to drop the same offer told again (after a routing replica took over). */
const SEEN_OFFERS = 1000;

type Command = RoutingCommandRecord extends infer C ? (C extends RoutingCommandRecord ? Omit<C, 'commandId' | 'tenant' | 'at' | 'agentId'> : never) : never;

/**
 * One agent connection's part in routing: it turns the connection's routing requests into commands on the routing
 * topic (the agent named by the connection's registration, never by the request), listens on the agent's channel
 * from its login on, and passes routing's messages to the socket with the request id they answer. When the socket
 * goes, routing hears of a lost connection: the agent keeps its presence for the grace period and a login on a new
 * connection within it carries on.
 */
export class AgentRoutingLink {
  private tenant: number | undefined;
  private unsubscribe: (() => Promise<void>) | undefined;
  private readonly requests = new Map<string, RequestId | undefined>();
  private readonly seenOffers = new Set<string>();
  private readonly prefix = randomUUID();
  private seq = 0;

  constructor(
    private readonly ports: AgentRoutingPorts,
    private readonly agentId: string,
    private readonly scope: JoinScope,
    private readonly send: (event: ServerEvent) => void,
  ) {}

  async handle(request: RoutingRequest): Promise<void> {
    if (request.type === 'routingLogin') return this.login(request);
    if (this.tenant === undefined) throw new AgentApiError('BAD_REQUEST', `send routingLogin before ${request.type}`);
    switch (request.type) {
      case 'routingReady':
        return this.command({ type: 'ready' }, request.requestId);
      case 'routingNotReady':
        return this.command({ type: 'not-ready', ...(request.reason !== undefined ? { reason: request.reason } : {}) }, request.requestId);
      case 'routingLogout':
        return this.command({ type: 'logout' }, request.requestId);
      case 'routingAccept':
        return this.command({ type: 'accept', offerId: request.offerId }, request.requestId);
      case 'routingDecline':
        return this.command({ type: 'decline', offerId: request.offerId }, request.requestId);
      case 'routingQueue':
        return this.command({ type: 'view', queue: request.queue }, request.requestId);
      case 'routingPick':
        return this.command({ type: 'pick', interactionId: request.interactionId }, request.requestId);
      case 'routingTransfer': {
        const target = request.queue !== undefined ? { queue: request.queue } : { targetAgentId: request.agentId as string };
        return this.command({ type: 'transfer', interactionId: request.interactionId, ...target }, request.requestId);
      }
    }
  }

  /** The socket is gone: routing starts the agent's grace period; the channel is left. */
  async lost(): Promise<void> {
    if (this.tenant === undefined) return;
    await this.unsubscribe?.();
    await this.command({ type: 'connection-lost' }, undefined);
  }

  private async login(request: Extract<RoutingRequest, { type: 'routingLogin' }>): Promise<void> {
    const tenant = request.tenantDbid ?? (this.scope.tenants?.length === 1 ? this.scope.tenants[0] : 1);
    checkTenant(this.scope, tenant);
    if (this.tenant !== undefined && this.tenant !== tenant)
      throw new AgentApiError('BAD_REQUEST', `this connection is logged in to routing for tenant ${this.tenant}`);
    if (this.tenant === undefined) {
      this.tenant = tenant;
      this.unsubscribe = await this.ports.fanOut.subscribe(routingAgentChannel(tenant, this.agentId), (message) => this.heard(message));
    }
    const { capacity, skills = {}, queues, ready, notReadyReason } = request;
    await this.command(
      { type: 'login', capacity, skills, queues, ...(ready !== undefined ? { ready } : {}), ...(notReadyReason ? { notReadyReason } : {}) },
      request.requestId,
    );
  }

  private async command(command: Command, requestId: RequestId | undefined): Promise<void> {
    const tenant = this.tenant as number;
    const commandId = `${this.prefix}:${++this.seq}`;
    this.requests.set(commandId, requestId);
    const value = { ...command, commandId, tenant, at: this.ports.now(), agentId: this.agentId } as RoutingCommandRecord;
    await this.ports.bus.publish([{ topic: TOPICS.routingCommands, key: String(tenant), value }]);
  }

  private heard(raw: string): void {
    let message: RoutingAgentMessage;
    try {
      message = JSON.parse(raw) as RoutingAgentMessage;
    } catch {
      return;
    }
    if (message.type === 'offer') {
      if (this.seenOffers.has(message.offerId)) return;
      this.seenOffers.add(message.offerId);
      if (this.seenOffers.size > SEEN_OFFERS) this.seenOffers.delete(this.seenOffers.values().next().value as string);
    }
    const commandId = 'commandId' in message ? message.commandId : undefined;
    const requestId = commandId === undefined ? undefined : this.requests.get(commandId);
    if (commandId !== undefined) this.requests.delete(commandId);
    this.send(routingEvent(message, requestId));
  }
}
