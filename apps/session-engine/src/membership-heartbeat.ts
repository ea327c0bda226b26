import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ChatEngine } from '@ocs/chat-engine';
import { LOGGER, type Logger } from '@ocs/observability';
import type { Membership } from '@ocs/ports';

export interface HeartbeatOptions {
  membership: Membership;
  nodeId: string;
  /** Where gateways reach this node's engine. */
  url: string;
  intervalMs: number;
  ttlMs: number;
}

export const HEARTBEAT_OPTIONS = Symbol('HeartbeatOptions');

/** Keeps this node in the cluster's membership while it runs, and takes it out at a clean shutdown. */
@Injectable()
export class MembershipHeartbeat implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly engine: ChatEngine,
    @Inject(HEARTBEAT_OPTIONS) private readonly options: HeartbeatOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch((err: unknown) => this.logger.warn({ err }, 'membership heartbeat failed')), this.options.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.options.membership.leave(this.options.nodeId);
  }

  private beat(): Promise<void> {
    const { membership, nodeId, url, ttlMs } = this.options;
    return membership.heartbeat({ nodeId, url, draining: false, sessions: this.engine.sessionCount }, ttlMs);
  }
}
