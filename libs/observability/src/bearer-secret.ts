import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * A middleware that lets a request through only with `Authorization: Bearer <secret>`: without it (or with another
 * scheme) the answer is 401 with a `WWW-Authenticate` challenge, with a wrong secret 403; either names the option
 * whose secret is wanted, never the secret. Secrets are compared in constant time (as digests, so their lengths do
 * not show either).
 */
export function requireBearerSecret(
  secret: string,
  option: string,
): (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void {
  const expected = digest(secret);
  return (request, response, next) => {
    const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
    if (match && timingSafeEqual(digest(match[1]), expected)) return next();
    const [status, message] = match ? [403, `wrong secret: send the ${option}`] : [401, `send Authorization: Bearer <${option}>`];
    response.writeHead(status, { 'content-type': 'application/json', ...(match ? {} : { 'www-authenticate': 'Bearer' }) });
    response.end(JSON.stringify({ error: { message } }));
  };
}
