import { Body, Controller, HttpException, Inject, Post, Res } from '@nestjs/common';
import type { Clock } from '@ocs/chat-domain';
import { TOPICS, type RoutingCommandRecord } from '@ocs/contracts';
import type { EventBus, FanOut } from '@ocs/ports';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { awaitOutcome } from './external-webhook';

/** What the decision endpoint needs: where commands go, where outcomes come from, and the tenants routed. */
export interface ExternalDecisionPorts {
  bus: EventBus;
  fanOut: FanOut;
  clock: Clock;
  tenants: ReadonlySet<number>;
  /** How long the endpoint waits for routing to apply the decision before answering 202 (ms). */
  waitMs: number;
}

export const EXTERNAL_DECISION_PORTS = Symbol('ExternalDecisionPorts');

const name = z.string().min(1).max(256);
const decisionBody = z
  .strictObject({ tenant: z.number().int().nonnegative(), requestId: name, agentId: name.optional(), queue: name.optional() })
  .refine((b) => (b.agentId === undefined) !== (b.queue === undefined), { error: 'name either an agentId or a queue' });

/**
 * An `external` queue's decider answering later (`POST /routing/decisions`): the decision on an open request
 * becomes an `external-decision` command, the same one a webhook's reply becomes. The answer waits for routing to
 * apply it: 200 decided, 409 refused (the routing core's code and why: not eligible, the request no longer open...),
 * 202 if routing has not answered yet (it will apply the decision all the same).
 */
@Controller('routing')
export class ExternalDecisionsController {
  constructor(@Inject(EXTERNAL_DECISION_PORTS) private readonly ports: ExternalDecisionPorts) {}

  @Post('decisions')
  async decide(@Body() body: unknown, @Res() response: Response): Promise<void> {
    const parsed = decisionBody.safeParse(body);
    if (!parsed.success) {
      const problem = parsed.error.issues.map((i) => (i.path.length ? `field ${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
      throw new HttpException({ error: `bad decision: ${problem}` }, 400);
    }
    const { tenant, requestId, agentId, queue } = parsed.data;
    if (!this.ports.tenants.has(tenant)) throw new HttpException({ error: `tenant ${tenant} has no routing queues` }, 404);
    const { bus, fanOut, clock, waitMs } = this.ports;
    const command: Extract<RoutingCommandRecord, { type: 'external-decision' }> = {
      type: 'external-decision',
      commandId: `decision:${requestId}:${randomUUID()}`,
      tenant,
      at: clock.now(),
      requestId,
      ...(agentId !== undefined ? { targetAgentId: agentId } : { queue }),
    };
    const outcome = await awaitOutcome(fanOut, command, waitMs, () => bus.publish([{ topic: TOPICS.routingCommands, key: String(tenant), value: command }]));
    if (!outcome) response.status(202).json({ requestId, outcome: 'pending' });
    else if (outcome.type === 'decided') response.status(200).json({ requestId, outcome: 'decided' });
    else response.status(409).json({ requestId, outcome: 'refused', code: outcome.code, error: outcome.message });
  }
}
