import { Body, Controller, Header, HttpCode, Param, Post, UploadedFile, UseInterceptors, type StreamableFile } from '@nestjs/common';
import { NoFilesInterceptor } from '@nestjs/platform-express';
import type { Actor } from '@ocs/chat-engine';
import { CustomerChat, customerActor, transcriptPosition, type Fields, type GmsResponse } from '@ocs/gms-chat-v2';
import { CustomerFiles } from './customer-files';
import { CustomerUploadInterceptor } from './customer-upload.interceptor';
import type { FilePart } from './file-transport';

export const CUSTOMER_FILES_PATH = 'genesys/2/chat/:serviceName/:chatId/file';

/**
 * File transfer of GMS Chat API v2 over REST, under `/genesys/2/chat/{serviceName}/{chatId}/file`: POSTs with
 * the identity triple (`userId`, `secureKey`, `alias`), form-encoded or multipart (Widgets send multipart).
 * Refusals are Chat V2 replies, made by the customer errors filter.
 */
@Controller(CUSTOMER_FILES_PATH)
export class CustomerFilesController {
  constructor(
    private readonly chat: CustomerChat,
    private readonly files: CustomerFiles,
  ) {}

  @Post('limits')
  @HttpCode(200)
  @UseInterceptors(NoFilesInterceptor())
  limits(@Param('serviceName') serviceName: string, @Param('chatId') chatId: string, @Body() body: Fields | undefined): Promise<GmsResponse> {
    return this.files.limits(this.actor(serviceName, chatId, body));
  }

  @Post()
  @HttpCode(200)
  @UseInterceptors(CustomerUploadInterceptor)
  upload(
    @Param('serviceName') serviceName: string,
    @Param('chatId') chatId: string,
    @Body() body: Fields | undefined,
    @UploadedFile() file: FilePart | undefined,
  ): Promise<GmsResponse> {
    const fields = body ?? {};
    return this.files.upload(this.actor(serviceName, chatId, fields), file, fields, transcriptPosition(fields));
  }

  /** The raw bytes (Widgets open it as a form posted to a new window); a refusal is JSON. */
  @Post(':fileId/download')
  @HttpCode(200)
  @Header('X-Content-Type-Options', 'nosniff')
  @UseInterceptors(NoFilesInterceptor())
  download(
    @Param('serviceName') serviceName: string,
    @Param('chatId') chatId: string,
    @Param('fileId') fileId: string,
    @Body() body: Fields | undefined,
  ): Promise<StreamableFile> {
    return this.files.download(this.actor(serviceName, chatId, body), fileId);
  }

  @Post(':fileId/delete')
  @HttpCode(200)
  @UseInterceptors(NoFilesInterceptor())
  remove(
    @Param('serviceName') serviceName: string,
    @Param('chatId') chatId: string,
    @Param('fileId') fileId: string,
    @Body() body: Fields | undefined,
  ): Promise<GmsResponse> {
    const fields = body ?? {};
    return this.files.remove(this.actor(serviceName, chatId, fields), fileId, transcriptPosition(fields));
  }

  /** As every REST operation: the service must exist and the identity triple be there before a session is looked at. */
  private actor(serviceName: string, chatId: string, body: Fields | undefined): Actor {
    this.chat.requireService(serviceName);
    return customerActor(chatId, body ?? {}, ['userId', 'secureKey', 'alias']);
  }
}
