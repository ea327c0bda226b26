import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PushNotice } from '@ocs/contracts';

/** One request the receiver got: headers, raw body and its JSON (undefined if not JSON). */
export interface ReceivedPush {
  headers: IncomingMessage['headers'];
  raw: string;
  body: unknown;
  /** The `x-push-notification-id` header. */
  id: string;
  /** The body's `deviceId`. */
  deviceId: string;
}

/**
 * How the receiver answers a request (the n-th it got, from 1): a status, after an optional delay; `hang`: never;
 * `garbage`: bytes that are not HTTP, then the connection closed; or a status with a body that is not JSON.
 */
export type PushAnswer = number | { status: number; delayMs?: number; body?: string; headers?: Record<string, string> } | 'hang' | 'garbage';

/** A self-signed certificate for 127.0.0.1 and localhost (made with the openssl command), as PEM. */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ocs-cert-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' }); // prettier-ignore
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A real HTTP (or HTTPS) server standing for a custom-http push receiver: it records every request and answers as
 * `answer` says (default 200).
 */
export class PushReceiver {
  readonly received: ReceivedPush[] = [];
  answer: (request: ReceivedPush, n: number) => PushAnswer = () => 200;
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** Starts on `port` (0: any free one) of 127.0.0.1; with `tls`, over HTTPS with that key and certificate. */
  static async start(options: { port?: number; tls?: { key: string; cert: string }; path?: string } = {}): Promise<PushReceiver> {
    const holder: { receiver?: PushReceiver } = {};
    const listener = (request: IncomingMessage, response: ServerResponse) => void holder.receiver?.handle(request, response);
    const server = options.tls ? createHttpsServer(options.tls, listener) : createHttpServer(listener);
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.receiver = new PushReceiver(server, `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}${options.path ?? '/push'}`);
    return holder.receiver;
  }

  /** Ids of what was received, in arrival order (duplicates included). */
  get ids(): string[] {
    return this.received.map((r) => r.id);
  }

  async close(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const received: ReceivedPush = {
      headers: request.headers,
      raw,
      body,
      id: String(request.headers['x-push-notification-id'] ?? ''),
      deviceId: String((body as { deviceId?: unknown } | undefined)?.deviceId ?? ''),
    };
    this.received.push(received);
    const answer = this.answer(received, this.received.length);
    if (answer === 'hang') return void this.hanging.add(response);
    if (answer === 'garbage') {
      request.socket.end('this is not HTTP\r\n\r\n');
      return;
    }
    const { status, delayMs, body: text, headers } = typeof answer === 'number' ? { status: answer } : answer;
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    response.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(text ?? 'ok');
  }
}

/** A `push` record of the session-events topic, for tests that publish what the engine would. */
export function pushRecord(
  sessionId: string,
  push: Partial<PushNotice> & { id: string; deviceId?: string },
): { type: 'push'; sessionId: string; push: PushNotice } {
  const { deviceId = 'device-1', ...rest } = push;
  return {
    type: 'push',
    sessionId,
    push: {
      userId: 'user-1',
      at: Date.now(),
      subscription: { deviceId, deviceType: 'customhttp', notifyRequestor: false, includePayload: false, resend: true },
      attempt: 0,
      position: 1,
      nextPosition: 2,
      chatEnded: false,
      secureKey: 'secure-key-1',
      content: { 'session-id': sessionId },
      ...rest,
    },
  };
}
