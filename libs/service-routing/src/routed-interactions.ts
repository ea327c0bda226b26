import { TOPICS, type RoutingCommandRecord } from '@ocs/contracts';
import type { Clock } from '@ocs/chat-domain';
import type { EventBus, InteractionInfo, InteractionProperties, InteractionServer, SubmitRequest } from '@ocs/ports';

/**
 * The chat server's Interaction Server with the built-in routing told of what comes and goes: a submitted
 * interaction is enqueued in its queue (the one `[endpoints:<tenant>]` names), and one that ends (its session went
 * offline, or it was stopped) leaves routing. Everything else passes through as it is; the commands' ids are made
 * from the interaction id, so a submit or stop repeated (the bus delivers at least once) is applied once.
 */
export class RoutedInteractions implements InteractionServer {
  constructor(
    private readonly inner: InteractionServer,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    /** Tenants with routing queues: interactions of other tenants are left to their workflows. */
    private readonly routed: (tenantDbid: number) => boolean,
  ) {}

  async submit(request: SubmitRequest): Promise<{ interactionId: string }> {
    const submitted = await this.inner.submit(request);
    if (this.routed(request.tenantDbid)) {
      const { interactionId } = submitted;
      await this.publish({
        type: 'enqueue',
        commandId: `enqueue:${interactionId}`,
        tenant: request.tenantDbid,
        at: this.clock.now(),
        interactionId,
        queue: request.queue,
        mediaType: request.mediaType,
      });
    }
    return submitted;
  }

  async updateProperties(interactionId: string, properties: InteractionProperties): Promise<void> {
    await this.inner.updateProperties(interactionId, properties);
    if (properties.IsOnline === '0') await this.left(interactionId, 'abandoned');
  }

  async stop(interactionId: string, reason: string): Promise<void> {
    await this.inner.stop(interactionId, reason);
    await this.left(interactionId, 'stopped');
  }

  onStopped(handler: (interactionId: string) => void | Promise<void>): void {
    this.inner.onStopped(handler);
  }

  get(interactionId: string): Promise<InteractionInfo | undefined> {
    return this.inner.get(interactionId);
  }

  interactionOf(sessionId: string): Promise<string | undefined> {
    return this.inner.interactionOf(sessionId);
  }

  private async left(interactionId: string, cause: 'abandoned' | 'stopped'): Promise<void> {
    const info = await this.inner.get(interactionId);
    if (!info || !this.routed(info.tenantDbid)) return;
    await this.publish({ type: 'remove', commandId: `remove:${interactionId}`, tenant: info.tenantDbid, at: this.clock.now(), interactionId, cause });
  }

  private publish(command: RoutingCommandRecord): Promise<void> {
    return this.bus.publish([{ topic: TOPICS.routingCommands, key: String(command.tenant), value: command }]);
  }
}
