import cors from 'cors';
import type { IncomingMessage, ServerResponse } from 'node:http';

type Middleware = (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void;

const MAX_AGE_SECONDS = 600;

/**
 * `[server] cors-origins`: which web pages may call the customer API from the browser. None (the default): no
 * origin gets a CORS header, so no other origin's page may read a reply. `*`: any page, without
 * credentials (`Access-Control-Allow-Origin: *`; the GMS API carries its credentials in the body, not in cookies).
 * A list: only those origins, each answered with itself and credentials; any other origin gets no CORS header, so
 * the browser keeps its page from reading the reply.
 */
export class CorsPolicy {
  private readonly any: boolean;
  private readonly origins: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.any = origins.includes('*');
    this.origins = new Set(origins);
  }

  /** Whether a request with this `Origin` gets CORS headers. */
  allows(origin: string | undefined): boolean {
    return origin !== undefined && (this.any || this.origins.has(origin));
  }

  /** The HTTP middleware: answers preflights and adds the CORS headers to the replies of allowed origins. */
  middleware(): Middleware {
    if (this.any) return cors({ origin: '*', maxAge: MAX_AGE_SECONDS });
    const listed = cors({ origin: true, credentials: true, maxAge: MAX_AGE_SECONDS });
    return (request, response, next) => {
      // The reply depends on the origin: a cache must not hand one origin's reply to another.
      response.setHeader('Vary', 'Origin');
      if (this.allows(request.headers.origin)) listed(request, response, next);
      else next();
    };
  }
}
