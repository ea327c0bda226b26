import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { CometD, type Message } from 'cometd';
import { adapt } from 'cometd-nodejs-client';
import type { BayeuxServer, BayeuxServerOptions } from '../bayeux-server';
import { createBayeuxServer } from '../faye-bayeux-server';

// Installs XMLHttpRequest and WebSocket (ws) as `window.*` for cometd.js; must run before `new CometD()`.
adapt();

export type TransportType = 'long-polling' | 'websocket';

export const SERVICE = 'customer-support';
export const CHANNEL = `/service/chatV2/${SERVICE}`;

/** Collects values; `take(n)` resolves with the first n once they are there. */
export class Inbox<T> {
  readonly items: T[] = [];
  private waiters: Array<{ count: number; resolve: (items: T[]) => void }> = [];

  push(item: T): void {
    this.items.push(item);
    this.waiters = this.waiters.filter((waiter) => {
      if (this.items.length < waiter.count) return true;
      waiter.resolve(this.items.slice(0, waiter.count));
      return false;
    });
  }

  take(count: number): Promise<T[]> {
    if (this.items.length >= count) return Promise.resolve(this.items.slice(0, count));
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }
}

export interface Published {
  clientId: string;
  serviceName: string;
  data: unknown;
}

export interface Harness {
  server: Server;
  bayeux: BayeuxServer;
  url: string;
  port: number;
  published: Inbox<Published>;
}

let harness: Harness | undefined;
const sockets = new Set<Socket>();
const clients: CometD[] = [];
/** Run (in order) by `stopAll`, before the harness's server is closed. */
export const cleanups: Array<() => Promise<void> | void> = [];

/** Has `stopAll` destroy the server's connections when it closes it. */
export function trackSockets(server: Server): void {
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
}

/** Has `stopAll` close this server and endpoint (one the test set up itself). */
export function adopt(h: Harness): Harness {
  harness = h;
  return h;
}

/**
 * A plain HTTP server with the adapter attached; the publish handler records the publish and echoes it back
 * with `deliver()`. `before` runs on the server before attach (to register other endpoints).
 */
export async function start(options: BayeuxServerOptions = {}, before?: (server: Server) => void): Promise<Harness> {
  const server = createServer();
  trackSockets(server);
  before?.(server);
  const bayeux = createBayeuxServer({ isServiceAllowed: (name) => name === SERVICE || name === 'other', ...options });
  bayeux.attach(server);
  const published = new Inbox<Published>();
  bayeux.onPublish((clientId, serviceName, data) => {
    published.push({ clientId, serviceName, data });
    void bayeux.deliver(clientId, serviceName, { echo: data });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  harness = { server, bayeux, port, url: `http://127.0.0.1:${port}${bayeux.mount}`, published };
  return harness;
}

export function transportOf(cometd: CometD): string | undefined {
  // cometd.d.ts declares `type`, the runtime object has getType().
  const transport = cometd.getTransport() as unknown as { getType(): string } | null;
  return transport?.getType();
}

export async function connect(h: Harness, transport: TransportType): Promise<CometD & { id: string }> {
  const cometd = new CometD();
  if (transport === 'long-polling') {
    cometd.unregisterTransport('websocket');
  } else {
    cometd.unregisterTransport('long-polling');
    cometd.unregisterTransport('callback-polling');
  }
  cometd.configure({ url: h.url, logLevel: 'warn' });
  clients.push(cometd);
  const reply = await new Promise<Message>((resolve) => cometd.handshake(resolve));
  expect(reply.successful).toBe(true);
  expect(transportOf(cometd)).toBe(transport);
  const id = cometd.getClientId();
  if (!id) throw new Error('no clientId after handshake');
  return Object.assign(cometd, { id });
}

export function subscribe(cometd: CometD, channel: string, inbox: Inbox<Message>): Promise<Message> {
  return new Promise((resolve) => cometd.subscribe(channel, (message) => inbox.push(message), resolve));
}

export function publish(cometd: CometD, channel: string, data: unknown): Promise<Message> {
  return new Promise((resolve) => cometd.publish(channel, data, resolve));
}

export function disconnect(cometd: CometD): Promise<Message> {
  return new Promise((resolve) => cometd.disconnect(resolve));
}

export function dataOf(inbox: Inbox<Message>): unknown[] {
  return inbox.items.map((message) => message.data);
}

/** Disconnects the clients, runs the cleanups and closes the harness (for `afterEach`). */
export async function stopAll(): Promise<void> {
  for (const cometd of clients.splice(0)) {
    if (cometd.getStatus() !== 'disconnected') await disconnect(cometd);
  }
  for (const cleanup of cleanups.splice(0)) await cleanup();
  if (harness) {
    const { server, bayeux } = harness;
    harness = undefined;
    await bayeux.close();
    const closed = new Promise((resolve) => server.close(resolve));
    for (const socket of sockets) socket.destroy();
    await closed;
  }
}
