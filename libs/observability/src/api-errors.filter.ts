import { Catch, type ArgumentsHost, type HttpServer } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';

/** An error as an API answers it. */
export interface ApiErrorReply {
  httpStatus: number;
  /** The API's own error form. */
  body: unknown;
  /** The failure is ours, not the caller's: it is logged, and the reply shows none of its details. */
  internal: boolean;
  headers?: Readonly<Record<string, string>>;
}

/** An API's reply to an error of one of its requests; undefined leaves the error to Nest's own reply. */
export type ApiErrorReplies = (exception: unknown, request: Request) => ApiErrorReply | undefined;

/**
 * Answers the errors of one API in that API's own form, so its clients read every refusal the same way, including
 * those raised before its controllers run (unreadable body, body too large, no such route). Each API's filter hands
 * it its `replies`; requests that are not the API's (the app's health and metrics routes) keep Nest's replies.
 */
@Catch()
export class ApiErrorsFilter extends BaseExceptionFilter {
  constructor(
    private readonly replies: ApiErrorReplies,
    private readonly logger: Logger,
    /** Logged with an internal failure. */
    private readonly failedMessage: string,
    httpServer?: HttpServer,
  ) {
    super(httpServer);
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = this.replies(exception, http.getRequest<Request>());
    if (!reply) return super.catch(exception, host);
    if (reply.internal) this.logger.error({ err: exception }, this.failedMessage);
    const response = http.getResponse<Response>();
    for (const [name, value] of Object.entries(reply.headers ?? {})) response.setHeader(name, value);
    response.status(reply.httpStatus).json(reply.body);
  }
}
