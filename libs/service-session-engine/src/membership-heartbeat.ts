import {
  Controller,
  Get,
  HttpCode,
  Inject,
  Injectable,
  Post,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ChatEngine } from '@ocs/chat-engine';
import { LOGGER, type Logger } from '@ocs/observability';
import type { Membership } from '@ocs/ports';

export interface HeartbeatOptions {
  membership: Membership;
  nodeId: string;
  /** Where gateways reach this node's engine. */
  url: string;
  /** Where this node serves its KPI counters (`GET /Counters`), when it does. */
  healthUrl?: string;
  intervalMs: number;
  ttlMs: number;
}

export const HEARTBEAT_OPTIONS = Symbol('HeartbeatOptions');

export interface NodeStatus {
  nodeId: string;
  draining: boolean;
  /** Sessions held here (live, and closed ones within their grace period). */
  sessions: number;
}

/**
 * Keeps this node in the cluster's membership while it runs, and takes it out at a clean shutdown. A draining node
 * (asked to, or shutting down) stays a member, so its sessions are still served here, but gateways place no new
 * session on it.
 */
@Injectable()
export class MembershipHeartbeat implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private draining = false;

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

  async beforeApplicationShutdown(): Promise<void> {
    await this.drain().catch((err: unknown) => this.logger.warn({ err }, 'could not announce draining'));
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.options.membership.leave(this.options.nodeId);
  }

  /** Takes no new sessions from now on; announced at once. */
  async drain(): Promise<void> {
    if (!this.draining) this.logger.info({ nodeId: this.options.nodeId }, 'node draining: no new sessions are placed here');
    this.draining = true;
    await this.beat();
  }

  status(): NodeStatus {
    return { nodeId: this.options.nodeId, draining: this.draining, sessions: this.engine.sessionCount };
  }

  /**
   * Announces the node. When the last announcement that went through is older than `node-ttl` (the process was paused,
   * or the membership out of reach), the engine lets go of the sessions other nodes took over meanwhile (checked at
   * this heartbeat and the next).
   */
  private async beat(): Promise<void> {
    const { membership, nodeId, url, healthUrl, ttlMs } = this.options;
    const { engine } = this;
    const renewal = await engine.renewMembership(ttlMs, () =>
      membership.heartbeat({ nodeId, url, healthUrl, draining: this.draining, limited: engine.load.overLimit, sessions: engine.sessionCount }, ttlMs),
    );
    if (renewal.lapsed || renewal.forgotten > 0) {
      this.logger.warn({ nodeId, forgotten: renewal.forgotten }, 'membership had lapsed: sessions other nodes took over meanwhile are no longer served here');
    }
  }
}

/** `POST /engine/drain` drains the node (before scaling it down); `GET /engine/drain` tells whether it drains. */
@Controller('engine/drain')
export class DrainController {
  constructor(private readonly heartbeat: MembershipHeartbeat) {}

  @Post()
  @HttpCode(200)
  async drain(): Promise<NodeStatus> {
    await this.heartbeat.drain();
    return this.heartbeat.status();
  }

  @Get()
  status(): NodeStatus {
    return this.heartbeat.status();
  }
}
