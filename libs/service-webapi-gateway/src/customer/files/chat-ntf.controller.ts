import { Body, Controller, Header, HttpCode, Post, UploadedFile, UseInterceptors, type StreamableFile } from '@nestjs/common';
import { ntfOperation, requiredString, type Fields, type GmsResponse } from '@ocs/gms-chat-v2';
import { CustomerFiles } from './customer-files';
import { CustomerUploadInterceptor } from './customer-upload.interceptor';
import type { FilePart } from './file-transport';

/**
 * File transfer of GMS Chat API v2 with CometD: `POST /genesys/2/chat-ntf`, multipart or form-encoded, with
 * `operation` (`fileGetLimits`, `fileUpload`, `fileDownload`, `fileDelete`), the customer's `secureKey` and,
 * where needed, `fileId`. Replies carry no transcript entries: a CometD customer gets them pushed.
 */
@Controller('genesys/2/chat-ntf')
export class ChatNtfController {
  constructor(private readonly files: CustomerFiles) {}

  @Post()
  @HttpCode(200)
  @Header('X-Content-Type-Options', 'nosniff')
  @UseInterceptors(CustomerUploadInterceptor)
  async operate(@Body() body: Fields | undefined, @UploadedFile() file: FilePart | undefined): Promise<GmsResponse | StreamableFile> {
    const fields = body ?? {};
    const operation = ntfOperation(fields, file !== undefined);
    const actor = await this.files.identify(fields);
    switch (operation) {
      case 'limits':
        return this.files.limits(actor);
      case 'upload':
        return this.files.upload(actor, file, fields, undefined);
      case 'download':
        return this.files.download(actor, requiredString(fields, 'fileId'));
      case 'delete':
        return this.files.remove(actor, requiredString(fields, 'fileId'), undefined);
    }
  }
}
