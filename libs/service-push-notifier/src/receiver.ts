import { webhookSignature } from '@ocs/contracts';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** The HTTP server notifications go to (`[push] customhttp.url`) and how it is reached. */
export interface ReceiverOptions {
  url: string;
  /** A request not answered within this long is given up and tried again. */
  timeoutMs: number;
  /** HTTPS: certificates (PEM) to trust instead of the system's. */
  ca?: string;
  /** HTTPS: refuse a receiver whose certificate does not verify (default true). */
  rejectUnauthorized?: boolean;
  /** Signs every request (`X-Push-Signature`) with HMAC-SHA256 under this secret. */
  signingSecret?: string;
  /** Connections kept open to the receiver at most. */
  maxSockets: number;
}

/** The answer to one request: delivered, worth trying again, or refused for good. */
export type Attempt =
  { outcome: 'sent'; status: number } | { outcome: 'retry'; reason: string; retryAfterMs?: number } | { outcome: 'refused'; status: number };

export const ID_HEADER = 'x-push-notification-id';
export const SIGNATURE_HEADER = 'x-push-signature';

/** Statuses below 500 that still say "try again later". */
const RETRIED_STATUSES = new Set([408, 429]);
/** The longest `Retry-After` honoured. */
const MAX_RETRY_AFTER_MS = 300_000;

/** The signature of a request (the project's webhook signature over the notification id and the body). */
export const signature = webhookSignature;

/** Posts notifications to the receiver over one pool of kept-alive connections. */
export class Receiver {
  private readonly url: URL;
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;

  constructor(private readonly options: ReceiverOptions) {
    this.url = new URL(options.url);
    const https = this.url.protocol === 'https:';
    const pool = { keepAlive: true, maxSockets: options.maxSockets };
    this.agent = https
      ? new HttpsAgent({ ...pool, ...(options.ca ? { ca: options.ca } : {}), rejectUnauthorized: options.rejectUnauthorized ?? true })
      : new HttpAgent(pool);
    this.send = https ? httpsRequest : httpRequest;
  }

  /** Posts one notification (`body`, JSON) with its id, signed if a secret is set; never rejects. */
  post(id: string, body: string, now = Date.now()): Promise<Attempt> {
    const headers: Record<string, string | number> = {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      [ID_HEADER]: id,
    };
    if (this.options.signingSecret) headers[SIGNATURE_HEADER] = signature(this.options.signingSecret, Math.floor(now / 1000), id, body);
    return new Promise<Attempt>((resolve) => {
      const request = this.send(this.url, { method: 'POST', agent: this.agent, headers, timeout: this.options.timeoutMs }, (response) => {
        response.on('error', (error) => resolve({ outcome: 'retry', reason: describe(error) }));
        response.resume();
        response.on('end', () => resolve(classify(response)));
      });
      const timer = setTimeout(() => request.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
      request.on('timeout', () => request.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`)));
      request.on('error', (error) => resolve({ outcome: 'retry', reason: describe(error) }));
      request.on('close', () => clearTimeout(timer));
      request.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function classify(response: IncomingMessage): Attempt {
  const status = response.statusCode ?? 0;
  if (status >= 200 && status < 300) return { outcome: 'sent', status };
  if (status >= 500 || RETRIED_STATUSES.has(status)) {
    const retryAfterMs = retryAfter(response.headers['retry-after']);
    return { outcome: 'retry', reason: `status ${status}`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  return { outcome: 'refused', status };
}

/** `Retry-After` in seconds (the date form is not honoured), bounded. */
function retryAfter(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Math.min(Number(value) * 1000, MAX_RETRY_AFTER_MS) : undefined;
}

/** The error's code and message, never a request's content. */
function describe(error: Error & { code?: string }): string {
  return error.code ? `${error.code}: ${error.message}` : error.message;
}
