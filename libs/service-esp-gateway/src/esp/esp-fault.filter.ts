import { Catch, type ArgumentsHost, type HttpServer } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Logger } from '@ocs/observability';
import type { Request, Response } from 'express';
import { toEspFailure } from './esp-fault';
import { ESP_PATH } from './esp.controller';

/**
 * Every refusal of a request to `/esp` is answered as an `Event3rdServerFault`: those of the ESP methods, and
 * those raised before the controller runs (unreadable JSON, body too large, wrong HTTP method). Requests to the
 * app's other routes (health, metrics) keep Nest's own error replies.
 */
@Catch()
export class EspFaultFilter extends BaseExceptionFilter {
  constructor(
    private readonly logger: Logger,
    httpServer: HttpServer,
  ) {
    super(httpServer);
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    if (http.getRequest<Request>().path.replace(/\/+$/, '') !== ESP_PATH) return super.catch(exception, host);
    const failure = toEspFailure(exception);
    if (failure.internal) this.logger.error({ err: exception }, 'ESP request failed');
    http.getResponse<Response>().status(failure.httpStatus).json(failure.body);
  }
}
