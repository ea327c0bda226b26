import { Controller, Get } from '@nestjs/common';
import { ChatEngine, type HeldSession } from '@ocs/chat-engine';
import { MembershipHeartbeat } from './membership-heartbeat';

/** `GET /engine/sessions`: the sessions this node holds, for an operator (the admin CLI's `sessions list`). */
@Controller('engine/sessions')
export class HeldSessionsController {
  constructor(
    private readonly engine: ChatEngine,
    private readonly heartbeat: MembershipHeartbeat,
  ) {}

  @Get()
  list(): { nodeId: string; draining: boolean; sessions: HeldSession[] } {
    const { nodeId, draining } = this.heartbeat.status();
    return { nodeId, draining, sessions: this.engine.heldSessions() };
  }
}
