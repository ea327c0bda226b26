import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { NodeAdapter, type BayeuxMessage, type Extension, type ExtensionCallback } from 'faye';
import { BayeuxClientState } from './bayeux-client-state';
import {
  DEFAULT_COMETD_MOUNT,
  limitsOf,
  type BayeuxLogger,
  type BayeuxPublishHandler,
  type BayeuxServer,
  type BayeuxServerOptions,
  type ClientGoneHandler,
  type ClientGoneReason,
} from './bayeux-server';
import { BayeuxTransport } from './bayeux-transport';
import { isBelowMount, takeTraffic } from './endpoint-traffic';
import { localProcessOf, protocolServerOf, type LocalProcess } from './faye-protocol-server';
import { HandshakeGuard } from './handshake-guard';
import {
  CHANNEL_SEGMENT,
  CLIENT_ID,
  forbidden,
  parsePrivateChannel,
  privateChannel,
  reject,
  SERVICE_CHANNEL_PREFIX,
  serviceChannel,
  toPublic,
} from './service-channels';

/** The Bayeux endpoint on faye (see `BayeuxServer`). */
export function createBayeuxServer(options: BayeuxServerOptions = {}): BayeuxServer {
  return new FayeBayeuxServer(options);
}

export class FayeBayeuxServer implements BayeuxServer {
  readonly mount: string;
  private readonly adapter: NodeAdapter;
  private readonly process: LocalProcess;
  private readonly transport: BayeuxTransport;
  private readonly handshakes: HandshakeGuard;
  private readonly logger: BayeuxLogger | undefined;
  private readonly serviceAllowed: (serviceName: string) => boolean;
  private readonly beforeRequest: BayeuxServerOptions['beforeRequest'];
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
    outgoing: (message, request, callback) => this.outgoing(message, request, callback),
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
    this.beforeRequest = options.beforeRequest;
    this.adapter = new NodeAdapter({
      mount,
      timeout: options.timeoutSeconds ?? 30,
      engine: { type: BayeuxClientState },
      ...(options.pingSeconds !== undefined ? { ping: options.pingSeconds } : {}),
    });
    const server = protocolServerOf(this.adapter);
    this.process = localProcessOf(server);
    const limits = limitsOf(options);
    this.transport = new BayeuxTransport(this.adapter, server, { ...limits, logger: this.logger });
    this.handshakes = new HandshakeGuard(limits, this.transport);
    this.adapter.addExtension(this.extension);
    this.adapter.on('handshake', this.engineListeners.handshake);
    this.adapter.on('disconnect', this.engineListeners.disconnect);
    this.adapter.on('subscribe', this.engineListeners.subscribe);
    this.adapter.on('unsubscribe', this.engineListeners.unsubscribe);
  }

  attach(httpServer: HttpServer | HttpsServer): void {
    if (this.closed) throw new Error('BayeuxServer is closed');
    this.detachers.push(
      takeTraffic(httpServer, {
        owns: (request) => isBelowMount(this.mount, request),
        request: (request, response) => {
          const serve = () => this.transport.request(request, response);
          if (this.beforeRequest) this.beforeRequest(request, response, serve);
          else serve();
        },
        upgrade: (request, socket, head) => this.upgrade(request, socket, head),
      }),
    );
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

  get clientCount(): number {
    return this.clients.size;
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

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if ((request.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return;
    }
    try {
      this.transport.upgrade(request, socket, head);
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
      case '/meta/handshake':
        this.handshakes.incoming(message, request);
        return callback(message);
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
    this.incomingPublish(message, channel, callback, request.socket.remoteAddress ?? '');
  }

  private incomingPublish(message: BayeuxMessage, channel: string, callback: ExtensionCallback, remoteAddress: string): void {
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
      .then(() => handler(clientId, serviceName, data, remoteAddress))
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

  private outgoing(message: BayeuxMessage, request: IncomingMessage | null, callback: ExtensionCallback): void {
    const { channel } = message;
    if (channel === '/meta/handshake') {
      this.handshakes.outgoing(message, request);
    } else if (channel === '/meta/subscribe' || channel === '/meta/unsubscribe') {
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
