import { Inject, Injectable } from '@nestjs/common';
import { CustomerChat, toGmsFailure, type GmsResponse } from '@ocs/gms-chat-v2';
import { LOGGER, type Logger } from '@ocs/observability';
import type { Response } from 'express';

/** Turns the outcome of a customer request into the reply the transports send: success or refusal, same JSON shape. */
@Injectable()
export class CustomerReplies {
  constructor(
    private readonly chat: CustomerChat,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async send(res: Response, work: () => Promise<GmsResponse>): Promise<void> {
    const { httpStatus, body } = await this.attempt(work);
    // Written directly: Express's `json()` would also hash the body for an ETag and check freshness, for replies
    // no client caches.
    const json = JSON.stringify(body);
    res.writeHead(httpStatus, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) }).end(json);
  }

  async attempt(work: () => Promise<GmsResponse>): Promise<{ httpStatus: number; body: GmsResponse }> {
    try {
      return { httpStatus: 200, body: await work() };
    } catch (error) {
      const failure = toGmsFailure(error, this.chat.alias);
      if (failure.internal) this.logger.error({ err: error }, 'customer request failed');
      return failure;
    }
  }
}
