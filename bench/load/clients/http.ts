import { Agent, request } from 'node:http';

export interface HttpReply<T> {
  status: number;
  body: T;
}

/** A keep-alive connection pool: one per simulated browser (`maxSockets` 2), or one shared by many requests. */
export function keepAlive(maxSockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets });
}

/**
 * One HTTP request on `agent`, with a form (`application/x-www-form-urlencoded`) or JSON body, answered with JSON.
 * `localAddress` picks the source address (a 127.0.0.x of the worker's own). Fails after `timeoutMs`; errors name `what`.
 */
export function httpJson<T>(
  agent: Agent,
  method: 'GET' | 'POST',
  url: URL,
  body: { form: Record<string, string> } | { json: unknown } | undefined,
  options: { what: string; localAddress?: string; timeoutMs: number },
): Promise<HttpReply<T>> {
  const payload = body === undefined ? undefined : 'form' in body ? new URLSearchParams(body.form).toString() : JSON.stringify(body.json);
  const headers: Record<string, string | number> = {};
  if (payload !== undefined) {
    headers['content-type'] = 'form' in (body ?? {}) ? 'application/x-www-form-urlencoded' : 'application/json';
    headers['content-length'] = Buffer.byteLength(payload);
  }
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        method,
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        headers,
        localAddress: options.localAddress,
        timeout: options.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as T });
          } catch {
            reject(new Error(`${options.what}: HTTP ${res.statusCode} with a body that is not JSON`));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', (error) => reject(new Error(`${options.what}: ${error.message}`)));
    req.end(payload);
  });
}
