import type { NextFunction, Request, Response } from 'express';
import multer from 'multer';
import { multipartOptions, multipartRefusal, type BodyLimits } from '../body-limits';

/**
 * Reads the text fields of a `multipart/form-data` request into `req.body`, within the limits of a form body
 * (`limits`), and refuses file parts (400, naming the field); other bodies pass untouched, since the body parsers
 * read them. A middleware rather than Nest's `NoFilesInterceptor`, which would put every request (form-encoded
 * polling included) through Nest's interceptor chain: that chain was about a tenth of the REST path's CPU.
 */
export function multipartFields(limits: BodyLimits): (req: Request, res: Response, next: NextFunction) => void {
  const none = multer(multipartOptions(limits)).none();
  return (req, res, next) => {
    if (!req.is('multipart/form-data')) return next();
    none(req, res, (error: unknown) => next(error === undefined || error === null ? undefined : multipartRefusal(error, limits)));
  };
}
