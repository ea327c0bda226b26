import { BadRequestException, Inject, Injectable, PayloadTooLargeException, type CallHandler, type ExecutionContext } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ChatError } from '@ocs/chat-domain';
import type { Observable } from 'rxjs';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../../gateway-options';
import { multipartRefusal, tooManyFields, type BodyLimits } from '../body-limits';
import { filePartOptions } from './file-transport';

/**
 * Reads a customer's multipart request: text fields, and at most one file part `file` of at most
 * `upload-max-file-size` bytes. A larger file is cut off there and refused as the domain refuses it
 * (UPLOAD_TOO_LARGE: GMS code 202, HTTP 400). The text fields and the body beside the file are held to the limits
 * of a form body (413, 400 for too many fields); a malformed body is a 400 naming the problem.
 * Form-encoded bodies pass through untouched.
 */
@Injectable()
export class CustomerUploadInterceptor extends FileInterceptor('file') {
  private readonly maxFileBytes: number;
  private readonly limits: BodyLimits;

  constructor(@Inject(GATEWAY_OPTIONS) { uploadMaxFileBytes, maxRequestBytes, maxRequestFields }: GatewayOptions) {
    super(filePartOptions(uploadMaxFileBytes, maxRequestBytes, maxRequestFields));
    this.maxFileBytes = uploadMaxFileBytes;
    this.limits = { maxBytes: maxRequestBytes, maxFields: maxRequestFields };
  }

  /** What rejects here is the reading of the body; the handler's own errors come later, through the Observable. */
  override async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    try {
      return await super.intercept(context, next);
    } catch (error) {
      // A body over the limit is a file over it: the rest of the body is held to the limits of a form body.
      if (error instanceof PayloadTooLargeException) {
        throw new ChatError('UPLOAD_TOO_LARGE', `the file is larger than upload-max-file-size (${this.maxFileBytes} bytes)`);
      }
      // Nest has turned multer's count errors into 400s already, without naming the limit.
      if (error instanceof BadRequestException && /^Too many (fields|parts)/.test(error.message)) throw tooManyFields(this.limits.maxFields);
      throw multipartRefusal(error, this.limits);
    }
  }
}
