import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { BayeuxMessage, NodeAdapter } from 'faye';
import { AddressWindows } from './address-windows';
import type { BayeuxLogger } from './bayeux-server';
import { coalesceWrites, flushWrites } from './coalesce-writes';
import { FayeWebSocket, failWebSocket, type ProtocolServer } from './faye-protocol-server';
import { remoteAddressOf } from './handshake-guard';

export interface BayeuxTransportOptions {
  /** Largest HTTP body, and largest WebSocket message, in bytes. */
  maxRequestBytes: number;
  /** Most Bayeux messages in one HTTP request or one WebSocket message. */
  maxBatch: number;
  /** Whether callback-polling (JSONP: Bayeux messages in a GET query, the reply as a script) is served. */
  jsonp: boolean;
  /** WebSocket ping interval in seconds; none without. */
  pingSeconds?: number;
  logger?: BayeuxLogger;
  /** At most one warning line per remote address per this many seconds. */
  warnIntervalSeconds: number;
  now?: () => number;
}

/** faye's check of a JSONP callback name. */
const JSONP_CALLBACK = /^[a-z_$][a-z0-9_$]*(\.[a-z_$][a-z0-9_$]*)*$/i;
/** WebSocket close codes (RFC 6455) of a message we refuse, and of the protocol errors websocket-driver closes with. */
const CLOSE_INVALID_PAYLOAD = 1007;
const CLOSE_POLICY_VIOLATION = 1008;
const REFUSED_BY_DRIVER: Readonly<Record<number, string>> = {
  1002: 'WebSocket protocol error',
  1003: 'unacceptable WebSocket frame',
  1007: 'WebSocket message not UTF-8',
  1009: 'WebSocket message too large',
};

/** Messages of one request or WebSocket message, or why they are refused (a text naming the problem or limit). */
type Batch = { messages: BayeuxMessage[] } | { refused: string; tooMany: boolean };

/**
 * The HTTP and WebSocket transports of the endpoint, in place of faye's own (NodeAdapter.handle/handleUpgrade): the
 * same wire format and replies, but an HTTP body is read only up to `maxRequestBytes` (413 at once when its
 * Content-Length says more, else as soon as it goes past, and the connection is closed), a WebSocket message past that
 * size closes its connection (1009), a batch of more than `maxBatch` messages is refused whole (HTTP 400, WebSocket
 * close 1008), so is what is not a Bayeux message or batch (HTTP 400, WebSocket close 1007), JSONP is served only when
 * enabled (else 400), and nothing is printed: a refused WebSocket message is one warning line through the logger,
 * without its content, at most one line per address per interval (with the count of those not written).
 * Cross-origin requests are the `beforeRequest` hook's (the CORS policy): a preflight that reaches the transport is
 * one the policy did not allow, answered without CORS headers. EventSource is left to faye.
 */
export class BayeuxTransport {
  private readonly warnings: AddressWindows;

  constructor(
    private readonly adapter: NodeAdapter,
    private readonly server: ProtocolServer,
    private readonly options: BayeuxTransportOptions,
  ) {
    this.warnings = new AddressWindows(options.warnIntervalSeconds * 1000, options.now);
  }

  request(request: IncomingMessage, response: ServerResponse): void {
    const { method } = request;
    if (method === 'OPTIONS') return void response.writeHead(204, { 'Content-Length': '0' }).end();
    if (FayeWebSocket.EventSource.isEventSource(request)) return this.adapter.handle(request, response);
    request.on('error', () => undefined); // an aborted request: nothing to answer
    response.on('error', () => undefined);
    if (method === 'POST') return this.post(request, response);
    if (method !== 'GET') return refuse(response, 400, 'expected a Bayeux POST');
    if (!this.options.jsonp) return refuse(response, 400, 'callback-polling (JSONP) is not enabled on this server');
    const query = new URL(request.url ?? '', 'http://localhost').searchParams;
    const callback = query.get('jsonp') ?? 'jsonpcallback';
    if (!JSONP_CALLBACK.test(callback)) return refuse(response, 400, 'invalid JSONP callback name');
    this.serve(request, response, query.get('message'), callback);
  }

  /** A warning about `remoteAddress`, written unless one was within the interval (the next written counts those not). */
  warn(remoteAddress: string, fields: Record<string, unknown>, msg: string): void {
    const { count, previous } = this.warnings.hit(remoteAddress);
    if (count > 1 || !this.options.logger) return;
    this.options.logger.warn({ remoteAddress, ...fields, ...(previous > 1 ? { suppressed: previous - 1 } : {}) }, msg);
  }

  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    coalesceWrites(socket);
    const ws = new FayeWebSocket(request, socket, head, [], {
      extensions: [],
      maxLength: this.options.maxRequestBytes,
      ...(this.options.pingSeconds !== undefined ? { ping: this.options.pingSeconds } : {}),
    });
    let clientId: string | undefined;
    let open = true;
    let refused = false;
    ws.onerror = () => flushWrites(socket); // websocket-driver failed the connection: its close frame goes out first
    ws.onmessage = ({ data }) => {
      const text = typeof data === 'string' ? data : data.toString('utf8');
      const refuse = (reason: string, code: number): void => {
        refused = true;
        this.warn(remoteAddressOf(request), { reason, length: text.length }, 'cometd WebSocket message refused');
        failWebSocket(ws, socket, code, reason);
      };
      const batch = this.parse(text);
      if ('refused' in batch) return refuse(batch.refused, batch.tooMany ? CLOSE_POLICY_VIOLATION : CLOSE_INVALID_PAYLOAD);
      const connecting = batch.messages.find((message) => message.channel === '/meta/connect')?.clientId;
      if (typeof connecting === 'string' && connecting !== '') {
        if (clientId && connecting !== clientId) this.server.closeSocket(clientId, false);
        this.server.openSocket(connecting, ws, request);
        clientId = connecting;
      }
      try {
        this.server.process(batch.messages, request, (replies) => {
          if (open) ws.send(JSON.stringify(replies));
        });
      } catch {
        refuse('not a valid Bayeux message', CLOSE_INVALID_PAYLOAD); // faye threw on a shape it does not check
      }
    };
    ws.onclose = ({ code }) => {
      open = false;
      if (clientId) this.server.closeSocket(clientId);
      const reason = refused ? undefined : REFUSED_BY_DRIVER[code];
      if (reason) this.warn(remoteAddressOf(request), { reason, closeCode: code }, 'cometd WebSocket message refused');
    };
  }

  private post(request: IncomingMessage, response: ServerResponse): void {
    readBody(request, this.options.maxRequestBytes, (body) => {
      if (body === null) return refuse(response, 413, `request body larger than ${this.options.maxRequestBytes} bytes`, true);
      // faye's rule: a JSON body is the message (batch) itself, a form body carries it in `message`.
      const json = (request.headers['content-type'] ?? '').split(';')[0] === 'application/json';
      this.serve(request, response, json ? body : new URLSearchParams(body).get('message'), null);
    });
  }

  private serve(request: IncomingMessage, response: ServerResponse, text: string | null, jsonp: string | null): void {
    if (text === null) return refuse(response, 400, 'no Bayeux message in the request');
    const batch = this.parse(text);
    if ('refused' in batch) return refuse(response, 400, batch.refused);
    try {
      this.server.process(batch.messages, request, (replies) => reply(request, response, replies, jsonp));
    } catch {
      refuse(response, 400, 'not a valid Bayeux message'); // faye threw on a shape it does not check
    }
  }

  private parse(text: string): Batch {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { refused: 'not JSON', tooMany: false };
    }
    const messages: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
    if (messages.length > this.options.maxBatch) {
      return { refused: `batch of ${messages.length} messages over the limit of ${this.options.maxBatch} (cometd-max-batch)`, tooMany: true };
    }
    for (const message of messages) {
      if (typeof message !== 'object' || message === null || Array.isArray(message)) return { refused: 'not a Bayeux message or batch', tooMany: false };
    }
    return { messages: messages as BayeuxMessage[] };
  }
}

/** Reads the body up to `limit` bytes; `null` (and no more reading) when its Content-Length or its bytes go past. */
function readBody(request: IncomingMessage, limit: number, done: (body: string | null) => void): void {
  const declared = Number(request.headers['content-length']);
  if (declared > limit) return done(null);
  const chunks: Buffer[] = [];
  let length = 0;
  const onData = (chunk: Buffer): void => {
    length += chunk.length;
    if (length <= limit) return void chunks.push(chunk);
    request.removeListener('data', onData).removeListener('end', onEnd);
    request.pause();
    done(null);
  };
  const onEnd = (): void => done(Buffer.concat(chunks, length).toString('utf8'));
  request.on('data', onData).on('end', onEnd);
}

function refuse(response: ServerResponse, status: number, text: string, close = false): void {
  const headers: Record<string, string> = {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': String(Buffer.byteLength(text)),
  };
  if (close) headers.Connection = 'close';
  response.writeHead(status, headers).end(text);
}

/** Writes faye's reply: the replies as JSON, or as a JSONP script. */
function reply(request: IncomingMessage, response: ServerResponse, replies: BayeuxMessage[], jsonp: string | null): void {
  const json = JSON.stringify(replies);
  const headers: Record<string, string> = { 'Cache-Control': 'no-cache, no-store', 'X-Content-Type-Options': 'nosniff' };
  const body = jsonp === null ? json : `/**/${jsonp}(${json.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')});`;
  headers['Content-Type'] = jsonp === null ? 'application/json; charset=utf-8' : 'text/javascript; charset=utf-8';
  if (jsonp !== null) headers['Content-Disposition'] = 'attachment; filename=f.txt';
  headers['Content-Length'] = String(Buffer.byteLength(body));
  response.writeHead(200, headers).end(body);
}
