// Minimal typings for the parts of faye 1.4 (no published types) that bayeux-server.ts uses.
// Only the public NodeAdapter surface is declared; the internals used live in faye-protocol-server.ts.
declare module 'faye' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  import type { Duplex } from 'node:stream';

  /** A Bayeux message as it travels through faye's extension pipeline. */
  export interface BayeuxMessage {
    channel: string;
    clientId?: string;
    id?: string;
    data?: unknown;
    subscription?: unknown;
    successful?: boolean;
    error?: string;
    advice?: Record<string, unknown>;
    ext?: unknown;
    [field: string]: unknown;
  }

  /** Passing `null` drops the message (no reply). */
  export type ExtensionCallback = (message: BayeuxMessage | null) => void;

  /**
   * faye calls `incoming`/`outgoing` with the HTTP (or WebSocket upgrade) request only when the function
   * declares three parameters (it checks `fn.length`); the request is `null` for in-process ("local") messages.
   */
  export interface Extension {
    incoming?(message: BayeuxMessage, request: IncomingMessage | null, callback: ExtensionCallback): void;
    outgoing?(message: BayeuxMessage, request: IncomingMessage | null, callback: ExtensionCallback): void;
  }

  export interface NodeAdapterOptions {
    mount?: string;
    /** Long-poll hold, in seconds; a client is destroyed after 2 × timeout without a /meta/connect. */
    timeout?: number;
    /** WebSocket ping interval, in seconds. */
    ping?: number;
    engine?: Record<string, unknown>;
    extensions?: Extension[];
  }

  export class NodeAdapter {
    constructor(options?: NodeAdapterOptions);
    addExtension(extension: Extension): void;
    removeExtension(extension: Extension): void;
    /** Serves one Bayeux HTTP request (long-polling, callback-polling, CORS preflight). */
    handle(request: IncomingMessage, response: ServerResponse): void;
    /** Takes over one WebSocket upgrade. */
    handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
    close(): void;
    on(event: 'handshake' | 'disconnect', listener: (clientId: string) => void): this;
    on(event: 'subscribe' | 'unsubscribe', listener: (clientId: string, channel: string) => void): this;
    on(event: 'publish', listener: (clientId: string | undefined, channel: string, data: unknown) => void): this;
    removeListener(event: string, listener: (...args: never[]) => void): this;
  }
}
