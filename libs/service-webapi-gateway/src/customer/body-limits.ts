import { BadRequestException, HttpException, PayloadTooLargeException } from '@nestjs/common';
import type { Request } from 'express';
import multer from 'multer';
import type { Writable } from 'node:stream';

/**
 * The limits of a customer request body, the same whatever its encoding (form-encoded, JSON, multipart): its size
 * and its number of fields. A body over either is refused before any of it is used: 413 for a size, 400 for the
 * count, each reply naming the limit. A multipart body that cannot be read is a 400 naming the problem, never a
 * failure of ours.
 */
export interface BodyLimits {
  /** Largest body, in bytes (the form and JSON parsers' `limit`). */
  maxBytes: number;
  /** Most fields (`[settings] request-max-fields`; the form parser's `parameterLimit`). */
  maxFields: number;
}

export function bodyTooLarge(maxBytes: number): PayloadTooLargeException {
  return new PayloadTooLargeException(`request entity too large (the limit is ${maxBytes} bytes)`);
}

export function tooManyFields(maxFields: number): BadRequestException {
  return new BadRequestException(`too many fields (the limit is ${maxFields}, request-max-fields)`);
}

/**
 * Multer options that hold a multipart body to `limits`: at most `maxFields` text fields of at most `maxBytes`
 * each, and the whole body (text fields, and the file part when `maxFileBytes` allows one) counted as it arrives:
 * past `maxBytes + maxFileBytes` it is no longer read, whatever its declared length.
 */
export function multipartOptions(limits: BodyLimits, maxFileBytes = 0): Pick<multer.Options, 'limits'> & { defParamCharset: string } {
  const maxBodyBytes = limits.maxBytes + maxFileBytes;
  return {
    limits: { fields: limits.maxFields, fieldSize: limits.maxBytes, ...(maxFileBytes > 0 ? { files: 1, fileSize: maxFileBytes } : {}) },
    // Browsers and HTTP clients send file names as UTF-8; multer would read them as Latin-1.
    defParamCharset: 'utf8',
    // Multer reads the request through this (a multer option its types leave out).
    ...{ streamHandler: (req: Request, busboy: Writable) => countedPipe(req, busboy, maxBodyBytes) },
  };
}

function countedPipe(req: Request, busboy: Writable, maxBodyBytes: number): void {
  if (Number(req.headers['content-length']) > maxBodyBytes) {
    busboy.destroy(bodyTooLarge(maxBodyBytes));
    return;
  }
  let seen = 0;
  const count = (chunk: Buffer): void => {
    seen += chunk.length;
    if (seen <= maxBodyBytes) return;
    req.off('data', count);
    req.unpipe(busboy);
    busboy.destroy(bodyTooLarge(maxBodyBytes));
  };
  req.on('data', count);
  req.pipe(busboy);
}

/**
 * What a multipart body that multer could not read is answered with: a refusal naming the limit or the problem.
 * Busboy's own errors are plain `Error`s (an unexpected end, a malformed part header, no boundary): the body is
 * malformed, the client's mistake.
 */
export function multipartRefusal(error: unknown, limits: BodyLimits): unknown {
  if (error instanceof HttpException) return error;
  if (error instanceof multer.MulterError) {
    if (error.code === 'LIMIT_FIELD_COUNT' || error.code === 'LIMIT_PART_COUNT') return tooManyFields(limits.maxFields);
    if (error.code === 'LIMIT_FIELD_VALUE') {
      return new PayloadTooLargeException(`field ${error.field?.slice(0, 100) ?? ''} is larger than the limit of ${limits.maxBytes} bytes`);
    }
    return new BadRequestException(`${error.message}${error.field ? `: ${error.field.slice(0, 100)}` : ''}`);
  }
  if (error instanceof Error) return new BadRequestException(`malformed multipart body: ${error.message.slice(0, 200)}`);
  return error;
}

/**
 * The form parser's refusals of a body over the limits, answered as a multipart body over them is: body-parser
 * names neither limit, and calls too many fields a 413.
 */
export function formRefusal(error: unknown, limits: BodyLimits): HttpException | undefined {
  if (!(error instanceof Error) || !('type' in error)) return undefined;
  if (error.type === 'entity.too.large') return bodyTooLarge(limits.maxBytes);
  if (error.type === 'parameters.too.many') return tooManyFields(limits.maxFields);
  return undefined;
}
