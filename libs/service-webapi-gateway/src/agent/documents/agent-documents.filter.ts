import { Catch, HttpException, HttpStatus, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { errorEvent, type AgentErrorCode } from '@ocs/agent-protocol';
import { LOGGER, type Logger } from '@ocs/observability';
import type { Response } from 'express';

const CODES: Readonly<Record<number, AgentErrorCode>> = {
  [HttpStatus.UNAUTHORIZED]: 'AUTH_FAILED',
  [HttpStatus.NOT_FOUND]: 'FILE_NOT_FOUND',
};

/**
 * Refusals of the agent documents endpoint in the agent API's own error form (`{type: "error", code, message}`,
 * as on the WebSocket), with the HTTP status. Anything unexpected is a 500 that reveals nothing.
 */
@Catch()
export class AgentDocumentsErrorsFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      if (status === HttpStatus.UNAUTHORIZED) response.setHeader('WWW-Authenticate', 'Bearer');
      response.status(status).json(errorEvent(CODES[status] ?? 'BAD_REQUEST', exception.message));
      return;
    }
    this.logger.error({ err: exception }, 'agent documents request failed');
    response.status(HttpStatus.INTERNAL_SERVER_ERROR).json(errorEvent('INTERNAL', 'internal error; try again later'));
  }
}
