import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';

/** What an endpoint takes of a server's traffic, and how it serves it. */
export interface EndpointTraffic {
  owns(request: IncomingMessage): boolean;
  request(request: IncomingMessage, response: ServerResponse): void;
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/**
 * Serves the requests and WebSocket upgrades the endpoint `owns` on `httpServer`, ahead of (and hidden from) the
 * server's own listeners, whenever those are added; returns the undoing.
 *
 * Not faye's attach(): it removes the server's request/upgrade listeners and re-dispatches to them only the ones
 * present at attach time. Any upgrade listener added later (NestJS WsAdapter destroys unknown paths,
 * ws.WebSocketServer({ server, path }) answers 400) would also receive, and kill, the endpoint's upgrades. Instead,
 * requests and upgrades for the endpoint are taken before any listener runs; everything else is emitted to the
 * listeners untouched.
 */
export function takeTraffic(httpServer: HttpServer | HttpsServer, endpoint: EndpointTraffic): () => void {
  const server = httpServer as unknown as Emitter;
  const ownEmit = Object.prototype.hasOwnProperty.call(server, 'emit');
  const originalEmit = server.emit;
  let active = true;
  const take = (event: string | symbol, args: unknown[]): boolean => {
    if (!active || (event !== 'request' && event !== 'upgrade')) return false;
    const request = args[0] as IncomingMessage;
    if (!endpoint.owns(request)) return false;
    if (event === 'request') endpoint.request(request, args[1] as ServerResponse);
    else endpoint.upgrade(request, args[1] as Duplex, args[2] as Buffer);
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

  return () => {
    active = false;
    if (server.emit === emit) {
      if (ownEmit) server.emit = originalEmit;
      else Reflect.deleteProperty(server, 'emit');
    } // else someone wrapped it since: leave theirs, ours is now inert
    httpServer.removeListener('request', unclaimedRequest);
    httpServer.removeListener('upgrade', unclaimedUpgrade);
  };
}

/** The endpoint path or a path below it (cometd.js appends `/connect` etc.), except faye's static `.js` files. */
export function isBelowMount(mount: string, request: IncomingMessage): boolean {
  let path: string;
  try {
    path = new URL(request.url ?? '', 'http://localhost').pathname;
  } catch {
    return false;
  }
  if (path === mount) return true;
  if (!path.startsWith(`${mount}/`)) return false;
  return !path.slice(mount.length + 1).includes('.');
}

/** The one method of the HTTP server that `takeTraffic` wraps. */
interface Emitter {
  emit(event: string | symbol, ...args: unknown[]): boolean;
}
