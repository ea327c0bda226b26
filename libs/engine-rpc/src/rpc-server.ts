import type { IncomingMessage, ServerResponse } from 'node:http';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { z } from 'zod';
import { isChatError, type ChatError, type ChatErrorCode } from '@ocs/chat-domain';
import { toWireError } from '@ocs/contracts';
import type { Actor, ChatEngine, ChatEngineApi, SessionView } from '@ocs/chat-engine';
import type { FanOut } from '@ocs/ports';
import {
  gatewayChannel,
  isEngineCall,
  isRpcMethod,
  RPC_METHODS,
  type AttachmentMessage,
  type RemoteListener,
  type RpcArgs,
  type RpcMethod,
  type RpcResponseBody,
} from './protocol';

/** What a node serves: the engine's calls, and the session a party's key was recorded for. */
export type NodeEngine = ChatEngineApi & Pick<ChatEngine, 'sessionOfKey'>;

export interface EngineRpcServerOptions {
  engine: NodeEngine;
  /** Carries the views of remote attachments to their gateways. */
  fanOut: FanOut;
  /** Told of what no caller hears of: internal errors (answered with a generic 500), views that could not be published. */
  onError?: (error: unknown) => void;
}

export interface RpcResponse {
  status: number;
  body: RpcResponseBody;
}

/** Refusals of the engine by HTTP status; any other code is 422 (a well-formed request the engine refused). */
const STATUS: Partial<Record<ChatErrorCode, number>> = {
  SESSION_NOT_FOUND: 404,
  FILE_NOT_FOUND: 404,
  FORBIDDEN: 403,
  NOT_OWNER: 409,
  STORAGE_UNAVAILABLE: 503,
  LIMIT_REACHED: 503,
};

const tracer = trace.getTracer('ocs-engine-rpc');

/** Longest part of an unknown method name quoted back. */
const MAX_QUOTED = 40;

/**
 * A session-engine node's side of the engine RPC, transport-agnostic: runs `{ method, args }` requests on the
 * local engine and holds the live attachments gateways made here, publishing their views on the gateways' channels.
 */
export class EngineRpcServer {
  private readonly attachments = new Map<string, { gatewayId: string; detach: () => void }>();
  private readonly report: (error: unknown) => void;
  private readonly served = new Map<RpcMethod, number>();

  constructor(private readonly options: EngineRpcServerOptions) {
    this.report = options.onError ?? (() => undefined);
  }

  async handle(body: unknown): Promise<RpcResponse> {
    const { method, args } =
      typeof body === 'object' && body !== null ? (body as { method?: unknown; args?: unknown }) : { method: undefined, args: undefined };
    if (!isRpcMethod(method)) return badRequest(`unknown method ${JSON.stringify(String(method).slice(0, MAX_QUOTED))}; expected { method, args }`);
    const parsed = RPC_METHODS[method].safeParse(args);
    if (!parsed.success) return badRequest(`malformed arguments of ${method}: ${z.prettifyError(parsed.error).replace(/\s*\n\s*/g, ' ')}`);
    this.served.set(method, (this.served.get(method) ?? 0) + 1);
    // A span of the engine call under the request's (a no-op without tracing).
    return tracer.startActiveSpan(`engine ${method}`, { attributes: { 'rpc.system': 'ocs-engine', 'rpc.method': method } }, async (span) => {
      try {
        return { status: 200, body: { result: await this.call(method, parsed.data) } };
      } catch (error) {
        if (isChatError(error)) {
          span.setAttribute('ocs.refusal', error.code);
          return refusal(error);
        }
        span.setStatus({ code: SpanStatusCode.ERROR });
        this.report(error);
        return { status: 500, body: { error: { message: 'internal error' } } };
      } finally {
        span.end();
      }
    });
  }

  /** Well-formed calls taken so far, by method (refused ones included). */
  callsServed(): ReadonlyMap<RpcMethod, number> {
    return this.served;
  }

  /** Drops every attachment of a gateway (it left the cluster). */
  detachGateway(gatewayId: string): void {
    for (const [attachmentId, attachment] of this.attachments) {
      if (attachment.gatewayId === gatewayId) this.detach(attachmentId);
    }
  }

  private async call(method: RpcMethod, args: unknown[]): Promise<unknown> {
    if (isEngineCall(method)) {
      const call = this.options.engine[method] as (...args: unknown[]) => Promise<unknown>;
      return call.apply(this.options.engine, args);
    }
    if (method === 'attach') return this.attach(...(args as RpcArgs<'attach'>));
    if (method === 'sessionOfKey') return this.options.engine.sessionOfKey(...(args as RpcArgs<'sessionOfKey'>));
    this.detach(...(args as RpcArgs<'detach'>));
  }

  private async attach(actor: Actor, fromPosition: number, { gatewayId, attachmentId }: RemoteListener): Promise<SessionView> {
    this.detach(attachmentId);
    const channel = gatewayChannel(gatewayId);
    const publish = (view: SessionView) => {
      const message: AttachmentMessage = { attachmentId, view };
      this.options.fanOut.publish(channel, JSON.stringify(message)).catch(this.report);
    };
    const { view, detach } = await this.options.engine.attach(actor, fromPosition, publish);
    this.attachments.set(attachmentId, { gatewayId, detach });
    return view;
  }

  private detach(attachmentId: string): void {
    this.attachments.get(attachmentId)?.detach();
    this.attachments.delete(attachmentId);
  }
}

function badRequest(message: string): RpcResponse {
  return { status: 400, body: { error: { message } } };
}

function refusal(error: ChatError): RpcResponse {
  return { status: STATUS[error.code] ?? 422, body: { error: toWireError(error) } };
}

export const DEFAULT_RPC_PATH = '/engine/rpc';
export const DEFAULT_RPC_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Serves the engine RPC over Node's HTTP: POST `path` with a JSON body of at most `bodyLimitBytes`. Mounted in
 * an app whose JSON parser already read the body (Express, Nest middleware), it takes that parsed `body`.
 */
export function rpcRequestListener(
  server: EngineRpcServer,
  path = DEFAULT_RPC_PATH,
  bodyLimitBytes = DEFAULT_RPC_BODY_LIMIT_BYTES,
): (request: IncomingMessage & { body?: unknown }, response: ServerResponse) => void {
  const respond = async (request: IncomingMessage & { body?: unknown }): Promise<RpcResponse> => {
    if (request.method !== 'POST' || new URL(request.url ?? '/', 'http://engine').pathname !== path) {
      return { status: 404, body: { error: { message: `the engine RPC is POST ${path}` } } };
    }
    if (request.body !== undefined) return server.handle(request.body);
    const text = await readBody(request, bodyLimitBytes);
    if (text === undefined) return { status: 413, body: { error: { message: `request body larger than ${bodyLimitBytes} bytes` } } };
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return badRequest('request body is not JSON');
    }
    return server.handle(body);
  };
  return (request, response) => {
    void respond(request)
      .catch((): RpcResponse => ({ status: 500, body: { error: { message: 'internal error' } } }))
      .then(({ status, body }) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
  };
}

/** The request body as text; undefined once it passes `limit` bytes (the rest is drained unread). */
function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      request.removeAllListeners('data');
      request.resume();
      resolve(undefined);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
