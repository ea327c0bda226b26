import type { NextFunction, Request, Response } from 'express';
import type { AppMetrics, ClassifiedRequest } from './app-metrics';

/** Says which API and operation an HTTP request was, once answered; undefined: not counted (health, metrics). */
export type RequestClassifier = (req: Request) => ClassifiedRequest | undefined;

/** The status labels, made once: no string is built per request. */
const STATUS = Array.from({ length: 600 }, (_, code) => String(code));
const ABORTED = 'aborted';

/** The label of an HTTP status code, the same string each time (`other` outside 0-599). */
export function statusLabel(code: number): string {
  return STATUS[code] ?? 'other';
}

/**
 * Counts and times every HTTP request the classifier names, when its connection is done with it: by HTTP status, or
 * `aborted` when the client went away before the answer (a CometD long poll given up, say).
 */
export function requestMetrics(metrics: AppMetrics, classify: RequestClassifier): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    const start = performance.now();
    res.once('close', () => {
      const request = classify(req);
      if (request === undefined) return;
      const status = res.writableFinished ? (STATUS[res.statusCode] ?? ABORTED) : ABORTED;
      metrics.request(request.api, request.operation, status, (performance.now() - start) / 1000);
    });
    next();
  };
}
