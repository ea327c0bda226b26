import { BadRequestException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import multer from 'multer';

/**
 * Reads the text fields of a `multipart/form-data` request into `req.body` and refuses file parts (400, naming
 * the field); other bodies pass untouched, since the body parsers read them. A middleware rather than Nest's
 * `NoFilesInterceptor`, which would put every request (form-encoded polling included) through Nest's interceptor
 * chain: that chain was about a tenth of the REST path's CPU.
 */
export function multipartFields(): (req: Request, res: Response, next: NextFunction) => void {
  const none = multer().none();
  return (req, res, next) => {
    if (!req.is('multipart/form-data')) return next();
    none(req, res, (error: unknown) =>
      next(error instanceof multer.MulterError ? new BadRequestException(`${error.message}${error.field ? `: ${error.field}` : ''}`) : error),
    );
  };
}
