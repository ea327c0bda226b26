import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { NodeAdapter, type BayeuxMessage, type Extension, type ExtensionCallback } from 'faye';
import { coalesceWrites } from './coalesce-writes';
import { BayeuxClientState } from './bayeux-client-state';

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
export const SERVICE_CHANNEL_PREFIX = '/service/chatV2/';
const PRIVATE_CHANNEL_PREFIX = '/ocs-private/';
/** faye's channel-segment grammar (so every rewritten channel stays a valid faye channel name). */
const CHANNEL_SEGMENT = /^[A-Za-z0-9\-_!~()$@]+$/;
/** faye client ids are base-36 random strings. */
const CLIENT_ID = /^[A-Za-z0-9]+$/;

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
}

/** Called for each client publish to `/service/chatV2/<serviceName>`, after the client got its publish reply. */
export type BayeuxPublishHandler = (clientId: string, serviceName: string, data: unknown) => void | Promise<void>;

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
  /** Detaches from the HTTP server and closes faye: pending long-polls are answered, WebSockets closed. */
  close(): Promise<void>;
}

export function createBayeuxServer(options: BayeuxServerOptions = {}): BayeuxServer {
  return new FayeBayeuxServer(options);
}

type LocalProcess = (messages: BayeuxMessage[]) => Promise<BayeuxMessage[]>;

/**
 * THE ONLY USE OF FAYE INTERNALS (faye 1.4): NodeAdapter keeps its protocol server in `_server`, whose
 * `process(messages, request, callback)` is what faye's own in-process client transport calls. A `null`
 * request marks the messages as "local": faye then lets /meta/subscribe target any channel for any clientId,
 * and our incoming extension trusts them. Replies still go through the extensions; publishes go through the
 * engine's normal publish/queue path.
 */
function localProcessOf(adapter: NodeAdapter): LocalProcess {
  const server: unknown = Reflect.get(adapter, '_server');
  const process: unknown = typeof server === 'object' && server !== null ? Reflect.get(server, 'process') : undefined;
  if (typeof process !== 'function') throw new Error('faye NodeAdapter has no _server.process(): unsupported faye version');
  return (messages) =>
    new Promise<BayeuxMessage[]>((resolve) => {
      Reflect.apply(process, server, [messages, null, (replies: BayeuxMessage[]) => resolve(replies)]);
    });
}

export function serviceChannel(serviceName: string): string {
  return SERVICE_CHANNEL_PREFIX + serviceName;
}

function privateChannel(clientId: string, serviceName: string): string {
  return `${PRIVATE_CHANNEL_PREFIX}${clientId}/${serviceName}`;
}

function parsePrivateChannel(channel: string): { clientId: string; serviceName: string } | null {
  if (!channel.startsWith(PRIVATE_CHANNEL_PREFIX)) return null;
  const [clientId, serviceName, ...rest] = channel.slice(PRIVATE_CHANNEL_PREFIX.length).split('/');
  if (rest.length > 0 || !clientId || !serviceName) return null;
  return { clientId, serviceName };
}

/** Bayeux error strings are `code:params:text`; a channel is only echoed back when it is a plain channel name. */
function forbidden(channel: unknown): string {
  const param = typeof channel === 'string' && /^[A-Za-z0-9\-_!~()$@/*]+$/.test(channel) ? channel : '';
  return `403:${param}:Forbidden channel`;
}

export class FayeBayeuxServer implements BayeuxServer {
  readonly mount: string;
  private readonly adapter: NodeAdapter;
  private readonly process: LocalProcess;
  private readonly logger: BayeuxLogger | undefined;
  private readonly serviceAllowed: (serviceName: string) => boolean;
  private publishHandler: BayeuxPublishHandler | undefined;
  private readonly goneHandlers = new Set<ClientGoneHandler>();
  /** Live Bayeux sessions (faye `handshake` .. `disconnect` events). */
  private readonly clients = new Set<string>();
  /** clientId -> service names the client has a private-channel subscription for (faye subscribe events). */
  private readonly subscriptions = new Map<string, Set<string>>();
  /** Clients whose /meta/disconnect is being processed, to tell a disconnect from a timeout. */
  private readonly disconnecting = new Set<string>();
  /** Per-client tail of the delivery queue: deliveries to one client run one after the other. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly detachers: Array<() => void> = [];
  private closed = false;

  // faye passes the request to extension functions only when they declare 3 parameters (fn.length >= 3).
  private readonly extension: Extension = {
    incoming: (message, request, callback) => this.incoming(message, request, callback),
    outgoing: (message, _request, callback) => this.outgoing(message, callback),
  };

  private readonly engineListeners = {
    handshake: (clientId: string): void => {
      this.clients.add(clientId);
    },
    disconnect: (clientId: string): void => this.clientGone(clientId),
    subscribe: (clientId: string, channel: string): void => {
      const target = parsePrivateChannel(channel);
      if (!target || target.clientId !== clientId) return;
      const services = this.subscriptions.get(clientId) ?? new Set<string>();
      this.subscriptions.set(clientId, services.add(target.serviceName));
    },
    unsubscribe: (clientId: string, channel: string): void => {
      const target = parsePrivateChannel(channel);
      if (target) this.subscriptions.get(clientId)?.delete(target.serviceName);
    },
  };

  constructor(options: BayeuxServerOptions = {}) {
    const mount = (options.mount ?? DEFAULT_COMETD_MOUNT).replace(/\/+$/, '');
    if (!mount.startsWith('/')) throw new Error(`CometD mount must be an absolute path, got "${options.mount}"`);
    this.mount = mount;
    this.logger = options.logger;
    this.serviceAllowed = options.isServiceAllowed ?? (() => true);
    this.adapter = new NodeAdapter({
      mount,
      timeout: options.timeoutSeconds ?? 30,
      engine: { type: BayeuxClientState },
      ...(options.pingSeconds !== undefined ? { ping: options.pingSeconds } : {}),
    });
    this.process = localProcessOf(this.adapter);
    this.adapter.addExtension(this.extension);
    this.adapter.on('handshake', this.engineListeners.handshake);
    this.adapter.on('disconnect', this.engineListeners.disconnect);
    this.adapter.on('subscribe', this.engineListeners.subscribe);
    this.adapter.on('unsubscribe', this.engineListeners.unsubscribe);
  }

  attach(httpServer: HttpServer | HttpsServer): void {
    if (this.closed) throw new Error('BayeuxServer is closed');
    // Not faye's attach(): it removes the server's request/upgrade listeners and re-dispatches to them only
    // the ones present at attach time. Any upgrade listener added later (NestJS WsAdapter destroys unknown
    // paths, ws.WebSocketServer({ server, path }) answers 400) would also receive, and kill, our upgrades.
    // Instead, requests and upgrades for the mount path are taken before any listener runs, whenever those
    // listeners were added; everything else is emitted to the listeners untouched.
    const server = httpServer as unknown as Emitter;
    const ownEmit = Object.prototype.hasOwnProperty.call(server, 'emit');
    const originalEmit = server.emit;
    let active = true;
    const take = (event: string | symbol, args: unknown[]): boolean => {
      if (!active || (event !== 'request' && event !== 'upgrade')) return false;
      const request = args[0] as IncomingMessage;
      if (!this.owns(request)) return false;
      if (event === 'request') this.adapter.handle(request, args[1] as ServerResponse);
      else this.upgrade(request, args[1] as Duplex, args[2] as Buffer);
      return true;
    };
    const emit: Emitter['emit'] = function (this: unknown, event, ...args) {
      return take(event, args) || (Reflect.apply(originalEmit, this, [event, ...args]) as boolean);
    };
    server.emit = emit;

    // Node only emits `upgrade` when the event has a listener; with none it would never reach emit() as an
    // upgrade. These also answer what nobody else listens for, instead of leaving it hanging.
    const onlyListener = (event: string): boolean => httpServer.listenerCount(event) === 1;
    const unclaimedRequest = (_request: IncomingMessage, response: ServerResponse): void => {
      if (onlyListener('request')) response.writeHead(404).end();
    };
    const unclaimedUpgrade = (_request: IncomingMessage, socket: Duplex): void => {
      if (onlyListener('upgrade')) socket.destroy();
    };
    httpServer.on('request', unclaimedRequest);
    httpServer.on('upgrade', unclaimedUpgrade);

    this.detachers.push(() => {
      active = false;
      if (server.emit === emit) {
        if (ownEmit) server.emit = originalEmit;
        else Reflect.deleteProperty(server, 'emit');
      } // else someone wrapped it since: leave theirs, ours is now inert
      httpServer.removeListener('request', unclaimedRequest);
      httpServer.removeListener('upgrade', unclaimedUpgrade);
    });
  }

  onPublish(handler: BayeuxPublishHandler): void {
    this.publishHandler = handler;
  }

  onClientGone(handler: ClientGoneHandler): () => void {
    this.goneHandlers.add(handler);
    return () => {
      this.goneHandlers.delete(handler);
    };
  }

  isConnected(clientId: string): boolean {
    return this.clients.has(clientId);
  }

  deliver(clientId: string, serviceName: string, data: unknown): Promise<boolean> {
    if (this.closed || !this.clients.has(clientId) || !CHANNEL_SEGMENT.test(serviceName) || data === undefined) {
      return Promise.resolve(false);
    }
    return this.enqueue(clientId, async () => {
      if (!(await this.ensureSubscribed(clientId, serviceName))) return false;
      const [reply] = await this.process([{ channel: privateChannel(clientId, serviceName), data }]);
      return reply?.successful === true;
    }).catch((error: unknown) => {
      this.logger?.warn({ err: error, clientId, serviceName }, 'cometd delivery failed');
      return false;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const detach of this.detachers.splice(0)) detach();
    // Answers pending long-polls, closes WebSockets and drops every session (without `disconnect` events).
    this.adapter.close();
    for (const [event, listener] of Object.entries(this.engineListeners)) this.adapter.removeListener(event, listener);
    this.clients.clear();
    this.subscriptions.clear();
    this.disconnecting.clear();
    this.queues.clear();
  }

  /** The endpoint path or a path below it (cometd.js appends `/connect` etc.), except faye's static `.js` files. */
  private owns(request: IncomingMessage): boolean {
    let path: string;
    try {
      path = new URL(request.url ?? '', 'http://localhost').pathname;
    } catch {
      return false;
    }
    if (path === this.mount) return true;
    if (!path.startsWith(`${this.mount}/`)) return false;
    return !path.slice(this.mount.length + 1).includes('.');
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if ((request.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return;
    }
    try {
      coalesceWrites(socket);
      this.adapter.handleUpgrade(request, socket, head);
    } catch (error) {
      this.logger?.warn({ err: error, url: request.url }, 'cometd WebSocket upgrade failed');
      socket.destroy();
    }
  }

  private serviceOf(channel: string): string | null {
    if (!channel.startsWith(SERVICE_CHANNEL_PREFIX)) return null;
    const serviceName = channel.slice(SERVICE_CHANNEL_PREFIX.length);
    if (!CHANNEL_SEGMENT.test(serviceName)) return null;
    try {
      return this.serviceAllowed(serviceName) ? serviceName : null;
    } catch (error) {
      this.logger?.warn({ err: error, serviceName }, 'cometd isServiceAllowed failed');
      return null;
    }
  }

  private incoming(message: BayeuxMessage, request: IncomingMessage | null, callback: ExtensionCallback): void {
    // Local messages come from this class only (it never uses faye's in-process client): trusted as they are.
    if (request === null) return callback(message);
    const channel: unknown = message.channel;
    if (typeof channel !== 'string') return callback(message); // faye rejects it
    switch (channel) {
      case '/meta/subscribe':
      case '/meta/unsubscribe':
        return callback(this.toPrivateSubscription(message));
      case '/meta/disconnect':
        if (typeof message.clientId === 'string' && this.clients.has(message.clientId)) {
          this.disconnecting.add(message.clientId);
        }
        return callback(message);
    }
    if (channel.startsWith('/meta/')) return callback(message); // handshake, connect; faye rejects the rest
    this.incomingPublish(message, channel, callback);
  }

  private incomingPublish(message: BayeuxMessage, channel: string, callback: ExtensionCallback): void {
    const serviceName = this.serviceOf(channel);
    if (serviceName === null) return reject(message, forbidden(channel), callback);
    if (message.data === undefined) return callback(message); // faye replies 402 (missing data)
    const { clientId, data } = message;
    if (typeof clientId !== 'string' || !this.clients.has(clientId)) {
      return reject(message, '401::Unknown client', callback);
    }
    const handler = this.publishHandler;
    if (!handler) return reject(message, `503:${channel}:No service handler`, callback);

    // faye replies successfully (its engine publish of the service channel reaches nobody: no remote client
    // can subscribe to it or to a wildcard). Then the client gets its private subscription if it has none yet,
    // and only then the handler runs, so that its deliveries land on a subscribed channel.
    callback(message);
    void this.enqueue(clientId, () => this.ensureSubscribed(clientId, serviceName))
      .then(() => handler(clientId, serviceName, data))
      .catch((error: unknown) => {
        this.logger?.warn({ err: error, clientId, serviceName }, 'cometd publish handler failed');
      });
  }

  /** `/service/chatV2/<svc>` -> `/ocs-private/<clientId>/<svc>`; anything else is refused with 403. */
  private toPrivateSubscription(message: BayeuxMessage): BayeuxMessage {
    const { subscription, clientId } = message;
    if (subscription === undefined) return message; // faye replies 402 (missing subscription)
    const channels: unknown[] = Array.isArray(subscription) ? subscription : [subscription];
    const serviceNames: string[] = [];
    for (const channel of channels) {
      const serviceName = typeof channel === 'string' ? this.serviceOf(channel) : null;
      if (serviceName === null) return reject(message, forbidden(channel));
      serviceNames.push(serviceName);
    }
    if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId)) return reject(message, '401::Unknown client');
    const rewritten = serviceNames.map((serviceName) => privateChannel(clientId, serviceName));
    message.subscription = Array.isArray(subscription) ? rewritten : rewritten[0];
    return message;
  }

  private outgoing(message: BayeuxMessage, callback: ExtensionCallback): void {
    const { channel } = message;
    if (channel === '/meta/subscribe' || channel === '/meta/unsubscribe') {
      const { subscription } = message;
      if (typeof subscription === 'string') message.subscription = toPublic(subscription);
      else if (Array.isArray(subscription)) message.subscription = subscription.map(toPublic);
    } else if (typeof channel === 'string' && message.data !== undefined) {
      // A delivered message (replies carry no data): show it on the service channel it belongs to.
      const target = parsePrivateChannel(channel);
      if (target) message.channel = serviceChannel(target.serviceName);
    }
    callback(message);
  }

  private async ensureSubscribed(clientId: string, serviceName: string): Promise<boolean> {
    if (this.subscriptions.get(clientId)?.has(serviceName)) return true;
    const replies = await this.process([{ channel: '/meta/subscribe', clientId, subscription: privateChannel(clientId, serviceName) }]);
    return replies.some((reply) => reply.channel === '/meta/subscribe' && reply.successful === true);
  }

  /** Runs `task` after every task queued before for the same client. */
  private enqueue<T>(clientId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(clientId) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.catch(() => undefined);
    this.queues.set(clientId, tail);
    void tail.then(() => {
      if (this.queues.get(clientId) === tail) this.queues.delete(clientId);
    });
    return result;
  }

  private clientGone(clientId: string): void {
    const reason: ClientGoneReason = this.disconnecting.delete(clientId) ? 'disconnect' : 'timeout';
    this.clients.delete(clientId);
    this.subscriptions.delete(clientId);
    for (const handler of [...this.goneHandlers]) {
      try {
        handler(clientId, reason);
      } catch (error) {
        this.logger?.warn({ err: error, clientId }, 'cometd client-gone handler failed');
      }
    }
  }
}

function reject(message: BayeuxMessage, error: string): BayeuxMessage;
function reject(message: BayeuxMessage, error: string, callback: ExtensionCallback): void;
function reject(message: BayeuxMessage, error: string, callback?: ExtensionCallback): BayeuxMessage | void {
  message.error = error;
  if (!callback) return message;
  callback(message);
}

function toPublic(channel: unknown): unknown {
  if (typeof channel !== 'string') return channel;
  const target = parsePrivateChannel(channel);
  return target ? serviceChannel(target.serviceName) : channel;
}

/** The one method of the HTTP server that attach() wraps. */
interface Emitter {
  emit(event: string | symbol, ...args: unknown[]): boolean;
}
