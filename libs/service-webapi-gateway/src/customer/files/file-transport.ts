import { StreamableFile } from '@nestjs/common';
import type { MulterModuleOptions } from '@nestjs/platform-express';
import { attachmentDisposition } from '@ocs/gms-chat-v2';
import type { StoredDocument } from '@ocs/ports';
import { multipartOptions } from '../body-limits';

/**
 * HTTP transport of files, shared by the customer endpoints and the agent documents endpoint: how a multipart
 * upload is read, and how a stored document is sent back.
 */

/** The file part of a multipart upload, as multer reads it into memory (`req.file`). */
export interface FilePart {
  /** The name the client gave, without any path. */
  originalname: string;
  mimetype: string;
  buffer: Buffer;
}

/**
 * Multer options for a multipart body with text fields and one file part named `file`, kept in memory (no
 * `storage` or `dest`). A file larger than `maxFileBytes` is cut off as soon as that many bytes have arrived
 * (multer's `fileSize` is the largest size it accepts), so memory use is bounded however much is sent; text
 * fields are bounded like a form body (`maxFieldBytes`, `maxFields`), and so is the whole body beside the file.
 */
export function filePartOptions(maxFileBytes: number, maxFieldBytes: number, maxFields = 100): MulterModuleOptions {
  return multipartOptions({ maxBytes: maxFieldBytes, maxFields }, maxFileBytes);
}

/** The document's bytes as a download: its stored mime type, as an attachment named `name`. */
export function attachment(document: StoredDocument, name: string): StreamableFile {
  return new StreamableFile(document.content, { type: document.mimeType, disposition: attachmentDisposition(name), length: document.size });
}
