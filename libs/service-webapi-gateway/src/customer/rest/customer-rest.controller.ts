import { Body, Controller, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CustomerChat, GmsApiError, customerActor, isChatOperation, withIdempotencyKey, type Fields } from '@ocs/gms-chat-v2';
import type { Response } from 'express';
import { CustomerReplies } from '../customer-replies';

/**
 * GMS Chat API Version 2 over REST: every operation is a form-encoded POST (multipart accepted too, read by the
 * module's `multipartFields` middleware) and every reply has the same JSON shape, a refusal included.
 */
@Controller('genesys/2/chat')
export class CustomerRestController {
  constructor(
    private readonly chat: CustomerChat,
    private readonly replies: CustomerReplies,
  ) {}

  /** Request Chat, at `/genesys/2/chat/{serviceName}` with or without a trailing slash. */
  @Post(':serviceName')
  @HttpCode(200)
  async requestChat(@Param('serviceName') serviceName: string, @Body() body: Fields | undefined, @Res() res: Response): Promise<void> {
    await this.replies.send(res, async () => (await this.chat.requestChat(serviceName, body ?? {})).response);
  }

  @Post(':serviceName/:chatId/:operation')
  @HttpCode(200)
  async operate(
    @Param('serviceName') serviceName: string,
    @Param('chatId') chatId: string,
    @Param('operation') operation: string,
    @Body() body: Fields | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    await this.replies.send(
      res,
      async () => {
        if (!isChatOperation(operation)) throw new GmsApiError(404, 404, `unknown chat operation "${operation.slice(0, 40)}"`);
        // `send` takes its client message id (our extension) from the form or from an `Idempotency-Key` header.
        const fields = operation === 'send' ? withIdempotencyKey(body ?? {}, idempotencyKey) : (body ?? {});
        this.chat.requireService(serviceName);
        const actor = customerActor(chatId, fields, ['userId', 'secureKey', 'alias']);
        return this.chat.operate(operation, actor, fields);
      },
      true,
    );
  }
}
