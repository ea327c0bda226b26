import { Inject, Injectable } from '@nestjs/common';
import { CustomerChat, GmsApiError, toGmsFailure, type GmsResponse } from '@ocs/gms-chat-v2';
import { LOGGER, type Logger } from '@ocs/observability';
import type { Response } from 'express';
import { AuthBackoff } from '../auth-backoff';

/** Turns the outcome of a customer request into the reply the transports send: success or refusal, same JSON shape. */
@Injectable()
export class CustomerReplies {
  constructor(
    private readonly chat: CustomerChat,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly backoff: AuthBackoff,
  ) {}

  /** `credentials`: the request presents a chat's credentials (see `attempt`). */
  async send(res: Response, work: () => Promise<GmsResponse>, credentials = false): Promise<void> {
    const { httpStatus, body } = await this.attempt(work, credentials ? (res.req.socket.remoteAddress ?? '') : undefined);
    // Written directly: Express's `json()` would also hash the body for an ETag and check freshness, for replies
    // no client caches.
    const json = JSON.stringify(body);
    res.writeHead(httpStatus, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) }).end(json);
  }

  /**
   * `address`: the remote address of a request that presents a chat's credentials. While the address backs off after
   * repeated wrong credentials (`AuthBackoff`) the request is refused with 429 before anything is checked; a refusal
   * of its credentials counts as a failure of the address (`AuthBackoff.refused`), a passing one of failover does not.
   */
  async attempt(work: () => Promise<GmsResponse>, address?: string): Promise<{ httpStatus: number; body: GmsResponse }> {
    const wait = address === undefined ? 0 : this.backoff.waitMs(address);
    if (wait > 0) {
      const message = `too many requests with wrong chat credentials from this address; try again in ${Math.ceil(wait / 1000)} s`;
      return toGmsFailure(new GmsApiError(429, 429, message), this.chat.alias);
    }
    try {
      return { httpStatus: 200, body: await work() };
    } catch (error) {
      // Unknown chat and wrong credentials are refused alike (SESSION_NOT_FOUND): both are guesses. A session between
      // nodes is not: it is answered "try again" (toGmsFailure) and not held against the address.
      if (address !== undefined) this.backoff.refused(address, error);
      const failure = toGmsFailure(error, this.chat.alias);
      if (failure.internal) this.logger.error({ err: error }, 'customer request failed');
      return failure;
    }
  }
}
