import { Catch, type HttpServer } from '@nestjs/common';
import { ApiErrorsFilter, type Logger } from '@ocs/observability';
import { toEspFailure } from './esp-fault';
import { ESP_PATH } from './esp.controller';

/**
 * Every refusal of a request to `/esp` is answered as an `Event3rdServerFault`: those of the ESP methods, and
 * those raised before the controller runs (unreadable JSON, body too large, wrong HTTP method). Requests to the
 * app's other routes (health, metrics) keep Nest's own error replies.
 */
@Catch()
export class EspFaultFilter extends ApiErrorsFilter {
  constructor(logger: Logger, httpServer: HttpServer) {
    super(
      (exception, request) => (request.path.replace(/\/+$/, '') === ESP_PATH ? toEspFailure(exception) : undefined),
      logger,
      'ESP request failed',
      httpServer,
    );
  }
}
