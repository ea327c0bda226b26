import { Inject, Injectable, PayloadTooLargeException, type CallHandler, type ExecutionContext } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ChatError } from '@ocs/chat-domain';
import type { Observable } from 'rxjs';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../../gateway-options';
import { filePartOptions } from './file-transport';

/**
 * Reads a customer's multipart request: text fields, and at most one file part `file` of at most
 * `upload-max-file-size` bytes. A larger file is cut off there and refused as the domain refuses it
 * (UPLOAD_TOO_LARGE: GMS code 202, HTTP 400). Other unreadable bodies are 400 replies (the errors filter).
 * Form-encoded bodies pass through untouched.
 */
@Injectable()
export class CustomerUploadInterceptor extends FileInterceptor('file') {
  private readonly maxFileBytes: number;

  constructor(@Inject(GATEWAY_OPTIONS) { uploadMaxFileBytes, maxRequestBytes }: GatewayOptions) {
    super(filePartOptions(uploadMaxFileBytes, maxRequestBytes));
    this.maxFileBytes = uploadMaxFileBytes;
  }

  /** What rejects here is the reading of the body; the handler's own errors come later, through the Observable. */
  override async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    try {
      return await super.intercept(context, next);
    } catch (error) {
      if (error instanceof PayloadTooLargeException) {
        throw new ChatError('UPLOAD_TOO_LARGE', `the file is larger than upload-max-file-size (${this.maxFileBytes} bytes)`);
      }
      throw error;
    }
  }
}
