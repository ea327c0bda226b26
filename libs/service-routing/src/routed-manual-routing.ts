import type { Clock } from '@ocs/chat-domain';
import { routingAgentChannel, TOPICS, type RoutingAgentMessage, type RoutingCommandRecord } from '@ocs/contracts';
import { ManualRoutingRefusal, UnknownInteractionError, type EventBus, type FanOut, type InteractionInfo, type ManualRouting } from '@ocs/ports';
import { randomUUID } from 'node:crypto';
import { awaitAnswer } from './await-answer';

/** Where an interaction is in the built-in routing (the `RoutingStatus` property it keeps current). */
const ROUTING_STATUS = 'RoutingStatus';
/** The statuses in which an interaction still waits for an agent. */
const WAITING = new Set([undefined, 'waiting', 'deciding']);

/**
 * The router surface (`/router`) when the built-in routing runs: a person takes a chat for an agent logged in to
 * routing, and the take is that agent's manual pick — the same `pick` command an agent sends over its WebSocket,
 * applied once by a conditional save, so the surface and the built-in routing never both hand out one chat. The
 * agent must be ready, serve the queue, have the skills and a free slot; it hears the chat as `routed`. Listing
 * shows what routing has not yet given to an agent. A requeue is the agent's transfer, not the surface's.
 */
export class RoutedManualRouting implements ManualRouting {
  constructor(
    private readonly inner: ManualRouting,
    private readonly bus: EventBus,
    private readonly fanOut: FanOut,
    private readonly clock: Clock,
    /** How long a take waits for routing's answer (ms). */
    private readonly waitMs: number,
  ) {}

  queues(): Array<{ queue: string; waiting: number }> {
    const counts = new Map(this.inner.queues().map(({ queue }) => [queue, 0]));
    for (const it of this.waiting()) counts.set(it.queue, (counts.get(it.queue) ?? 0) + 1);
    return [...counts].map(([queue, waiting]) => ({ queue, waiting }));
  }

  waiting(queue?: string): InteractionInfo[] {
    return this.inner.waiting(queue).filter((it) => WAITING.has(it.properties[ROUTING_STATUS]));
  }

  get(interactionId: string): Promise<InteractionInfo | undefined> {
    return this.inner.get(interactionId);
  }

  async take(interactionId: string, agentId?: string): Promise<InteractionInfo> {
    const info = await this.inner.get(interactionId);
    if (!info) throw new UnknownInteractionError(interactionId);
    if (agentId === undefined) {
      throw new ManualRoutingRefusal(`cannot take interaction ${interactionId}: built-in routing gives every chat to an agent, name it (agentId)`, 400);
    }
    const answer = await this.pick(info, agentId);
    if (answer?.type === 'refused') throw new ManualRoutingRefusal(`cannot take interaction ${interactionId} for agent ${agentId}: ${answer.message}`);
    if (answer?.type !== 'routed') throw new ManualRoutingRefusal(`cannot take interaction ${interactionId}: routing did not answer within ${this.waitMs} ms`);
    if (info.state === 'queued') this.inner.take(interactionId);
    return (await this.inner.get(interactionId)) ?? info;
  }

  requeue(interactionId: string): InteractionInfo {
    throw new ManualRoutingRefusal(`cannot requeue interaction ${interactionId} here: with built-in routing, its agent transfers it (routingTransfer)`);
  }

  stopExternally(interactionId: string): Promise<void> {
    return this.inner.stopExternally(interactionId);
  }

  /** Sends the agent's pick and resolves with routing's answer to it (routed or refused), or undefined in time. */
  private pick(info: InteractionInfo, agentId: string): Promise<RoutingAgentMessage | undefined> {
    const commandId = `router-take:${randomUUID()}`;
    const { tenantDbid: tenant, interactionId } = info;
    const command: RoutingCommandRecord = { type: 'pick', commandId, tenant, at: this.clock.now(), agentId, interactionId };
    const match = (m: unknown): RoutingAgentMessage | undefined => {
      const answer = m as RoutingAgentMessage;
      return 'commandId' in answer && answer.commandId === commandId ? answer : undefined;
    };
    const publish = (): Promise<void> => this.bus.publish([{ topic: TOPICS.routingCommands, key: String(tenant), value: command }]);
    return awaitAnswer(this.fanOut, routingAgentChannel(tenant, agentId), match, this.waitMs, publish);
  }
}
