import { Catch, HttpException, type HttpServer } from '@nestjs/common';
import { GmsApiError, toGmsFailure } from '@ocs/gms-chat-v2';
import { ApiErrorsFilter, type Logger } from '@ocs/observability';
import { formRefusal, type BodyLimits } from './body-limits';

/**
 * Refusals raised before the customer controllers run (unreadable body, body too large, no such route) are
 * answered in the Chat V2 reply shape too, so every client reads `statusCode` and `errors[]` the same way.
 * A form body over the limits is refused as a multipart one is (`limits`, named in the reply). Anything else
 * unexpected becomes the generic internal-error reply. Other routes of the app (health, metrics) keep Nest's own
 * replies.
 */
@Catch()
export class CustomerErrorsFilter extends ApiErrorsFilter {
  constructor(alias: string, logger: Logger, httpServer: HttpServer, limits: BodyLimits) {
    super(
      (exception, request) => {
        if (!request.path.startsWith(CUSTOMER_API_PREFIX)) return undefined;
        const refusal = clientRefusal(formRefusal(exception, limits) ?? exception);
        return toGmsFailure(refusal ? new GmsApiError(refusal.status, refusal.status, refusal.message) : exception, alias);
      },
      logger,
      'request failed',
      httpServer,
    );
  }
}

const CUSTOMER_API_PREFIX = '/genesys/';

/** A 4xx raised by Nest or by the body parser (http-errors carry `status` and `expose`). */
function clientRefusal(exception: unknown): { status: number; message: string } | undefined {
  if (exception instanceof HttpException && exception.getStatus() < 500) {
    const body = exception.getResponse();
    const message = typeof body === 'object' && body !== null && 'message' in body ? body.message : exception.message;
    return { status: exception.getStatus(), message: `request refused: ${Array.isArray(message) ? message.join('; ') : String(message)}` };
  }
  if (
    exception instanceof Error &&
    'status' in exception &&
    typeof exception.status === 'number' &&
    exception.status < 500 &&
    'expose' in exception &&
    exception.expose
  ) {
    return { status: exception.status, message: `request refused: ${exception.message}` };
  }
  return undefined;
}
