import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';

/**
 * A Bayeux (CometD) endpoint for GMS "Chat API Version 2 with CometD" clients, built on faye.
 *
 * CometD service-channel semantics on top of faye, which forbids `/service/**` subscriptions and routes
 * service publishes nowhere:
 * - a client's `/meta/subscribe` (and unsubscribe) of `/service/chatV2/<svc>` is rewritten to its private
 *   channel `/ocs-private/<clientId>/<svc>`; the reply is rewritten back, so the client sees its own channel;
 * - a publish to `/service/chatV2/<svc>` goes to the application handler and gets the normal successful reply;
 * - `deliver()` publishes to the private channel through faye's normal publish/queue path (so nothing is lost
 *   between long-poll connects) and the delivered message is renamed back to `/service/chatV2/<svc>`;
 * - remote clients may subscribe/publish to nothing else (403 reply), so no client can see another's messages.
 * The private subscription is only a delivery mechanism: `deliver()` creates it when missing, so a client that
 * publishes (or is pushed to) without ever subscribing still gets the messages on its service-channel listener.
 */

export const DEFAULT_COMETD_MOUNT = '/genesys/cometd';

export interface BayeuxLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface BayeuxServerOptions {
  /** URL path of the endpoint (cometd.js long-polling appends `/handshake`, `/connect`, ...). */
  mount?: string;
  /** Long-poll hold in seconds (faye `timeout`); a silent client is destroyed after twice that. Default 30. */
  timeoutSeconds?: number;
  /** WebSocket ping interval in seconds (faye `ping`); default: no pings. */
  pingSeconds?: number;
  /** Which `/service/chatV2/<serviceName>` channels clients may use; default: any valid name. */
  isServiceAllowed?: (serviceName: string) => boolean;
  logger?: BayeuxLogger;
  /** Largest HTTP body and WebSocket message, in bytes (413; WebSocket close 1009). Default 128 KiB. */
  maxRequestBytes?: number;
  /** Most Bayeux messages in one HTTP request or WebSocket message (HTTP 400; WebSocket close 1008). Default 50. */
  maxBatch?: number;
  /** Handshakes one remote address may make per `handshakeIntervalSeconds`; 0: no limit. Default 100 per 10 s. */
  handshakeLimit?: number;
  handshakeIntervalSeconds?: number;
  /** Whether callback-polling (JSONP) is served. Default false. */
  jsonp?: boolean;
  /** Clock of the per-address limits (ms); default `Date.now`. */
  now?: () => number;
  /**
   * Runs before the endpoint serves each HTTP request, which it serves when `next` is called (the CORS policy: it
   * answers the preflights it allows and adds its headers to the replies).
   */
  beforeRequest?: (request: IncomingMessage, response: ServerResponse, next: () => void) => void;
}

/** The limits when not given (the configuration's defaults). */
export const DEFAULT_BAYEUX_LIMITS = {
  maxRequestBytes: 131_072,
  maxBatch: 50,
  handshakeLimit: 100,
  handshakeIntervalSeconds: 10,
  /** At most one warning line per remote address per this many seconds. */
  warnIntervalSeconds: 10,
} as const;

export type BayeuxLimits = { -readonly [K in keyof typeof DEFAULT_BAYEUX_LIMITS]: number } & {
  jsonp: boolean;
  now?: () => number;
  pingSeconds?: number;
};

/** The limits of `options`, defaults for those not given. */
export function limitsOf(options: BayeuxServerOptions): BayeuxLimits {
  const defaults = DEFAULT_BAYEUX_LIMITS;
  return {
    maxRequestBytes: options.maxRequestBytes ?? defaults.maxRequestBytes,
    maxBatch: options.maxBatch ?? defaults.maxBatch,
    handshakeLimit: options.handshakeLimit ?? defaults.handshakeLimit,
    handshakeIntervalSeconds: options.handshakeIntervalSeconds ?? defaults.handshakeIntervalSeconds,
    warnIntervalSeconds: defaults.warnIntervalSeconds,
    jsonp: options.jsonp ?? false,
    now: options.now,
    pingSeconds: options.pingSeconds,
  };
}

/**
 * Called for each client publish to `/service/chatV2/<serviceName>`, after the client got its publish reply;
 * `remoteAddress`: of the HTTP request or WebSocket that carried it.
 */
export type BayeuxPublishHandler = (clientId: string, serviceName: string, data: unknown, remoteAddress: string) => void | Promise<void>;

/** `disconnect`: the client sent /meta/disconnect; `timeout`: it stopped connecting (2 × timeout). */
export type ClientGoneReason = 'disconnect' | 'timeout';
export type ClientGoneHandler = (clientId: string, reason: ClientGoneReason) => void;

export interface BayeuxServer {
  /** The endpoint path, e.g. `/genesys/cometd`. */
  readonly mount: string;
  /**
   * Serves the endpoint's HTTP requests and WebSocket upgrades on `httpServer`, ahead of (and hidden from) the
   * server's own listeners, whenever those are added. Requests and upgrades for other paths reach the server's
   * listeners as before (or get a 404 / are closed when the server has none).
   */
  attach(httpServer: HttpServer | HttpsServer): void;
  /** Sets (replaces) the publish handler. Without one, publishes are answered with an error. */
  onPublish(handler: BayeuxPublishHandler): void;
  /**
   * Queues `data` for `clientId` on `/service/chatV2/<serviceName>`. Deliveries to one client keep their order.
   * Resolves `true` once faye queued it, `false` (never rejects) when the client is unknown/gone, the server is
   * closed, `data` is undefined or `serviceName` is not a valid channel segment.
   */
  deliver(clientId: string, serviceName: string, data: unknown): Promise<boolean>;
  /** Registers a handler for clients that disconnected or timed out; returns its unregistration. */
  onClientGone(handler: ClientGoneHandler): () => void;
  /** Whether `clientId` is a live Bayeux session (handshaken, not disconnected or timed out). */
  isConnected(clientId: string): boolean;
  /** Bayeux clients handshaken and not yet gone. */
  readonly clientCount: number;
  /** Detaches from the HTTP server and closes faye: pending long-polls are answered, WebSockets closed. */
  close(): Promise<void>;
}
