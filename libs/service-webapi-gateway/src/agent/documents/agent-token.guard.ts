import { HttpException, Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { LOGGER, type Logger } from '@ocs/observability';
import type { Request } from 'express';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../../gateway-options';
import { AuthBackoff } from '../../auth-backoff';
import { AgentTokens } from '../agent-tokens';

/**
 * Admits agent-side HTTP requests that carry `Authorization: Bearer <secret>` with a secret of `[agent-api]
 * tokens`, compared in constant time as the WebSocket `register` compares it. Any user type of the token will do.
 * Guards run before interceptors, so an upload without a valid token is refused before its body is read.
 */
@Injectable()
export class AgentTokenGuard implements CanActivate {
  private readonly tokens: AgentTokens;

  constructor(
    @Inject(GATEWAY_OPTIONS) { agent }: GatewayOptions,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly backoff: AuthBackoff,
  ) {
    this.tokens = new AgentTokens(agent.tokens);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const secret = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '')?.[1];
    const address = request.socket.remoteAddress ?? '';
    const wait = this.backoff.waitMs(address);
    if (wait > 0) throw new HttpException(`too many failed authentications from this address; try again in ${Math.ceil(wait / 1000)} s`, 429);
    if (secret === undefined || !this.tokens.find(secret)) {
      if (secret !== undefined) this.backoff.failed(address);
      this.logger.warn({ path: request.path }, 'agent request refused: missing or unknown token');
      throw new UnauthorizedException(secret === undefined ? 'send Authorization: Bearer <agent-api token>' : 'unknown token');
    }
    return true;
  }
}
