import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import type { BayeuxMessage, NodeAdapter } from 'faye';

/**
 * THE ONLY USE OF FAYE INTERNALS (faye 1.4, faye-websocket 0.11). NodeAdapter keeps its protocol server in `_server`; its
 * `process(messages, request, callback)` is what faye's own transports call (a `null` request marks the messages as
 * "local": faye then lets /meta/subscribe target any channel for any clientId, and our incoming extension trusts
 * them), and `openSocket`/`closeSocket` bind a WebSocket to the client it carries. Replies still go through the
 * extensions; publishes go through the engine's normal publish/queue path. `failWebSocket` below is the other one. The transports themselves (HTTP bodies,
 * WebSocket frames) are ours, so that their sizes are bounded and nothing is printed (see bayeux-transport.ts).
 */
export interface ProtocolServer {
  process(messages: BayeuxMessage[], request: IncomingMessage | null, callback: (replies: BayeuxMessage[]) => void): void;
  /** Deliveries to `clientId` go down `socket` (its `send` gets a JSON array) until it is closed. */
  openSocket(clientId: string, socket: { send(text: string): unknown; close(): unknown }, request: IncomingMessage): void;
  /** The socket of `clientId` is gone (`close` false: it is replaced, do not close it). */
  closeSocket(clientId: string, close?: boolean): void;
}

/** Hands messages to faye's protocol server as local ones; resolves with its replies. */
export type LocalProcess = (messages: BayeuxMessage[]) => Promise<BayeuxMessage[]>;

export function protocolServerOf(adapter: NodeAdapter): ProtocolServer {
  const server: unknown = Reflect.get(adapter, '_server');
  const method = (name: string): ((...args: unknown[]) => unknown) => {
    const fn: unknown = typeof server === 'object' && server !== null ? Reflect.get(server, name) : undefined;
    if (typeof fn !== 'function') throw new Error(`faye NodeAdapter has no _server.${name}(): unsupported faye version`);
    return (...args) => Reflect.apply(fn, server, args);
  };
  const [process, openSocket, closeSocket] = [method('process'), method('openSocket'), method('closeSocket')];
  return {
    process: (messages, request, callback) => void process(messages, request, callback),
    openSocket: (clientId, socket, request) => void openSocket(clientId, socket, request),
    closeSocket: (clientId, close) => void closeSocket(clientId, close),
  };
}

export function localProcessOf(server: ProtocolServer): LocalProcess {
  return (messages) => new Promise<BayeuxMessage[]>((resolve) => server.process(messages, null, resolve));
}

/** The WebSocket of faye-websocket, the implementation faye itself serves WebSockets with (loaded from faye's side). */
export interface FayeWebSocket {
  readonly version: string;
  onmessage: ((event: { data: string | Buffer }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  /** Before `onclose` when websocket-driver fails the connection (its close frame is written by then). */
  onerror: (() => void) | null;
  send(data: string): boolean;
  close(code?: number, reason?: string): void;
}

export interface FayeWebSocketOptions {
  extensions?: unknown[];
  ping?: number;
  /** Largest message (all its frames together), in bytes; a larger one closes the connection with 1009. */
  maxLength?: number;
}

interface FayeWebSocketModule {
  new (request: IncomingMessage, socket: Duplex, head: Buffer, protocols: string[], options: FayeWebSocketOptions): FayeWebSocket;
  EventSource: { isEventSource(request: IncomingMessage): boolean };
}

export const FayeWebSocket = createRequire(require.resolve('faye'))('faye-websocket') as FayeWebSocketModule;

/**
 * Closes a WebSocket with a code of RFC 6455 that faye-websocket's `close()` does not take (it allows 1000 and
 * 3000-4999 only): websocket-driver fails the connection as it does on its own errors (close frame, `onerror`,
 * `onclose`, then the socket is destroyed).
 */
export function failWebSocket(ws: FayeWebSocket, socket: Duplex, code: number, reason: string): void {
  const driver: unknown = Reflect.get(ws, '_driver');
  const fail: unknown = typeof driver === 'object' && driver !== null ? Reflect.get(driver, '_fail') : undefined;
  if (typeof fail === 'function') Reflect.apply(fail, driver, [code, reason]);
  else socket.destroy();
}
