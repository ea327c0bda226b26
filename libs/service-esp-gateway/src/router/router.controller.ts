import {
  BadRequestException,
  Body,
  Catch,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  UseFilters,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { describeIssues, type AgentJoinRequest } from '@ocs/agent-protocol';
import { SESSION_PASSWORD_KEY, type KvList } from '@ocs/chat-domain';
import {
  InteractionStateError,
  ManualRoutingRefusal,
  UnknownInteractionError,
  type InteractionInfo,
  type InteractionProperties,
  type ManualRouting,
} from '@ocs/ports';
import type { Response } from 'express';
import { z } from 'zod';
import { MANUAL_ROUTING } from './manual-routing.token';

/** The interaction property in which the chat server hands the session password to the agent who takes the chat. */
const INTERACTION_PASSWORD_KEY = 'ChatServerSessionPassword';

const takeBody = z.strictObject({ agentId: z.string().min(1, { error: 'expected a non-empty agent id' }).max(256).optional() });
const requeueBody = z.strictObject({ queue: z.string().min(1, { error: 'expected a non-empty queue name' }).optional() });

type Waiting = Pick<InteractionInfo, 'interactionId' | 'sessionId' | 'submittedAt' | 'properties'>;

interface Taken {
  interactionId: string;
  sessionId: string;
  properties: InteractionProperties;
  /** The agent WebSocket request that joins the chat, ready to send. */
  join: AgentJoinRequest;
}

/** Refusals as `{error}`: 404 for an unknown interaction, 409 for one in the wrong state, 400 for a bad body. */
@Catch(UnknownInteractionError, InteractionStateError, ManualRoutingRefusal, BadRequestException)
class RouterErrorsFilter implements ExceptionFilter {
  catch(exception: Error, host: ArgumentsHost): void {
    const status =
      exception instanceof UnknownInteractionError
        ? 404
        : exception instanceof InteractionStateError
          ? 409
          : exception instanceof ManualRoutingRefusal
            ? exception.status
            : 400;
    host.switchToHttp().getResponse<Response>().status(status).json({ error: exception.message });
  }
}

/** Routing played by hand over HTTP (embedded mode): see the queues, take, requeue or stop interactions. */
@Controller('router')
@UseFilters(RouterErrorsFilter)
export class RouterController {
  constructor(@Inject(MANUAL_ROUTING) private readonly routing: ManualRouting) {}

  @Get('queues')
  queues(): Array<{ queue: string; waiting: number }> {
    return this.routing.queues();
  }

  @Get('queues/:queue/interactions')
  waiting(@Param('queue') queue: string): Waiting[] {
    return this.routing.waiting(queue).map(({ interactionId, sessionId, submittedAt, properties }) => ({ interactionId, sessionId, submittedAt, properties }));
  }

  @Get('interactions/:id')
  async interaction(@Param('id') id: string): Promise<InteractionInfo> {
    const info = await this.routing.get(id);
    if (!info) throw new UnknownInteractionError(id);
    return info;
  }

  @Post('interactions/:id/take')
  @HttpCode(200)
  async take(@Param('id') id: string, @Body() body: unknown): Promise<Taken> {
    const parsed = takeBody.safeParse(body ?? {});
    if (!parsed.success) throw new BadRequestException(`bad take body: ${describeIssues(parsed.error)}`);
    const { interactionId, sessionId, properties } = await this.routing.take(id, parsed.data.agentId);
    const password = properties[INTERACTION_PASSWORD_KEY];
    const userData: KvList = password === undefined ? {} : { [SESSION_PASSWORD_KEY]: password };
    return { interactionId, sessionId, properties, join: { type: 'join', sessionId, userData } };
  }

  @Post('interactions/:id/requeue')
  @HttpCode(200)
  requeue(@Param('id') id: string, @Body() body: unknown): InteractionInfo {
    const parsed = requeueBody.safeParse(body ?? {});
    if (!parsed.success) throw new BadRequestException(`bad requeue body: ${describeIssues(parsed.error)}`);
    return this.routing.requeue(id, parsed.data.queue);
  }

  @Post('interactions/:id/stop')
  @HttpCode(200)
  async stop(@Param('id') id: string): Promise<{ interactionId: string; state: 'stopped' }> {
    await this.routing.stopExternally(id);
    return { interactionId: id, state: 'stopped' };
  }
}
