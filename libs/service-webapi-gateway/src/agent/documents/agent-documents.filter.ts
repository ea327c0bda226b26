import { Catch, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { errorEvent, type AgentErrorCode } from '@ocs/agent-protocol';
import { ApiErrorsFilter, LOGGER, type ApiErrorReply, type Logger } from '@ocs/observability';

const CODES: Readonly<Record<number, AgentErrorCode>> = {
  [HttpStatus.UNAUTHORIZED]: 'AUTH_FAILED',
  [HttpStatus.NOT_FOUND]: 'FILE_NOT_FOUND',
  [HttpStatus.TOO_MANY_REQUESTS]: 'TOO_MANY_AUTH_FAILURES',
};

/**
 * Refusals of the agent documents endpoint in the agent API's own error form (`{type: "error", code, message}`,
 * as on the WebSocket), with the HTTP status. Anything unexpected is a 500 that reveals nothing.
 */
@Catch()
export class AgentDocumentsErrorsFilter extends ApiErrorsFilter {
  constructor(@Inject(LOGGER) logger: Logger) {
    super(agentDocumentsReply, logger, 'agent documents request failed');
  }
}

function agentDocumentsReply(exception: unknown): ApiErrorReply {
  if (exception instanceof HttpException && exception.getStatus() < 500) {
    const status = exception.getStatus();
    return {
      httpStatus: status,
      body: errorEvent(CODES[status] ?? 'BAD_REQUEST', exception.message),
      internal: false,
      ...(status === HttpStatus.UNAUTHORIZED ? { headers: { 'WWW-Authenticate': 'Bearer' } } : {}),
    };
  }
  return { httpStatus: HttpStatus.INTERNAL_SERVER_ERROR, body: errorEvent('INTERNAL', 'internal error; try again later'), internal: true };
}
