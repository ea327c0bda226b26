import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import { GATEWAY_OPTIONS, type GatewayOptions } from './gateway-options';

/**
 * `user-register-timeout` on the gateway's connections: one that has not sent a complete request (a customer's
 * REST or CometD request, an agent's WebSocket upgrade) within it is closed, so unused connections are not kept
 * open. An agent's WebSocket then has the same time again to `register` (agent-ws-server.ts).
 */
@Injectable()
export class SilentConnections implements OnApplicationBootstrap {
  private readonly waiting = new WeakMap<Socket, NodeJS.Timeout>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {}

  onApplicationBootstrap(): void {
    const http = this.adapterHost.httpAdapter.getHttpServer() as Server;
    const timeoutMs = this.options.agent.registerTimeoutMs;
    http.on('connection', (socket: Socket) => {
      const timer = setTimeout(() => socket.destroy(), timeoutMs);
      timer.unref();
      this.waiting.set(socket, timer);
      socket.once('close', () => this.spoke(socket));
    });
    const spoke = (req: IncomingMessage) => this.spoke(req.socket);
    http.prependListener('request', spoke);
    http.prependListener('upgrade', spoke);
  }

  /** The connection made its first request (or closed): it is no longer timed. */
  private spoke(socket: Socket): void {
    const timer = this.waiting.get(socket);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.waiting.delete(socket);
  }
}
