import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { appMetrics, LOGGER, METRICS_REGISTRY, type Logger, type MetricsRegistry } from '@ocs/observability';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway-options';
import { AuthBackoff } from '../auth-backoff';
import { AgentWsServer } from './agent-ws-server';

/**
 * Serves the agent WebSocket on the gateway's HTTP server. Upgrades for the CometD endpoint are taken by the
 * Bayeux server before they get here; any other upgrade path is refused.
 */
@Injectable()
export class AgentSockets implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly server: AgentWsServer;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(GATEWAY_OPTIONS) { agent, maxRequestBytes, engine }: GatewayOptions,
    @Inject(LOGGER) logger: Logger,
    authBackoff: AuthBackoff,
    @Inject(METRICS_REGISTRY) registry: MetricsRegistry,
  ) {
    const metrics = appMetrics(registry);
    this.server = new AgentWsServer(
      engine,
      {
        path: agent.wsPath,
        registerTimeoutMs: agent.registerTimeoutMs,
        maxPayloadBytes: maxRequestBytes,
        tokens: agent.tokens,
        heartbeatMs: agent.heartbeatMs,
        nicknameMaxLength: agent.nicknameMaxLength,
        authBackoff,
        onRequest: (type, ok, seconds) => metrics.request('agent-ws', type, ok ? 'ok' : 'error', seconds),
        ...(agent.routing ? { routing: agent.routing } : {}),
      },
      { info: (obj, msg) => logger.info(obj, msg), warn: (obj, msg) => logger.warn(obj, msg) },
    );
  }

  /** Agent WebSocket connections open now. */
  get openConnections(): number {
    return this.server.openConnections;
  }

  onApplicationBootstrap(): void {
    const http = this.adapterHost.httpAdapter.getHttpServer() as Server;
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (this.server.handlesPath(pathname)) this.server.handleUpgrade(req, socket, head);
      else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server.close();
  }
}
