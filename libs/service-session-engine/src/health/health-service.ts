import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { ChatEngine, type KpiContent, type KpiCounters } from '@ocs/chat-engine';
import { LOGGER, type Logger } from '@ocs/observability';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, type ELDHistogram } from 'node:perf_hooks';
import { answerCounters, countersQuery, type GmsInfo } from './counters-query';

/** `[health-service]` and the health port of one session-engine node. */
export interface HealthServiceOptions {
  /** The node's KPI counters (the engine counts in them). */
  counters: KpiCounters;
  /** The node's id in `gms_info`. */
  node: string;
  /** `[server] health-port` / `health-host`: where `GET /Counters` is served; absent: no web interface. */
  listen?: { host: string; port: number };
  /** `log-output-timeout` (seconds, 0: off), `log-output-proviso`, `log-output-content`. */
  logOutput: { timeoutSeconds: number; proviso: 'always' | 'update'; content: KpiContent };
}

/** `limit-for-reply-delay`: the node's event-loop delay is sampled this often and handed to the engine's limits. */
export interface ReplyDelaySampling {
  everyMs: number;
}

export const HEALTH_SERVICE_OPTIONS = Symbol('HealthServiceOptions');
const REPLY_DELAY_SAMPLING = Symbol('ReplyDelaySampling');

/**
 * The web interface of the KPI counters on the health port: `GET /Counters?<parameters>` (see `countersQuery`).
 * A plain HTTP listener of its own beside the service's Nest app, like the Genesys application's `health` port.
 */
@Injectable()
export class CountersWebInterface implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | undefined;

  constructor(
    @Inject(HEALTH_SERVICE_OPTIONS) private readonly options: HealthServiceOptions,
    private readonly engine: ChatEngine,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The URL it listens on, once started (`http://host:port`). */
  get url(): string | undefined {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) return undefined;
    return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { listen } = this.options;
    if (!listen) return;
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://health');
      if (url.pathname !== '/Counters') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: the health port serves /Counters\n');
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return void res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('/Counters answers GET\n');
      }
      const { type, body } = answerCounters(this.options.counters, countersQuery(url.searchParams), () => this.gmsInfo());
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : body);
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listen.port, listen.host, () => resolve());
    });
    this.logger.info({ url: this.url }, 'KPI counters served at /Counters');
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private gmsInfo(): GmsInfo {
    const { users, sessions } = this.engine.load.customers();
    return { node: this.options.node, flexUsers: users, sessions };
  }
}

/**
 * `log-output-timeout`: every so many seconds a log line with the counters `log-output-content` chooses; with
 * `log-output-proviso=update` only when some counter changed since the previous line. Counters carry no chat content.
 */
@Injectable()
export class CountersLogOutput implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private previous = '';

  constructor(
    @Inject(HEALTH_SERVICE_OPTIONS) private readonly options: HealthServiceOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const { timeoutSeconds } = this.options.logOutput;
    if (timeoutSeconds <= 0) return;
    this.timer = setInterval(() => this.output(), timeoutSeconds * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One periodic output (public for the service's own tests of the proviso). */
  output(): void {
    const { content, proviso } = this.options.logOutput;
    const counters = this.options.counters.read(content, 'log');
    const { process_memory: _memory, ...cumulative } = counters;
    const state = JSON.stringify(cumulative);
    const changed = state !== this.previous;
    this.previous = state;
    if (proviso === 'update' && (!changed || (content === 'new' && Object.keys(cumulative).length === 0))) return;
    this.logger.info({ counters }, 'KPI counters');
  }
}

/** Samples the event-loop delay (how long a request waits to be served: it grows as the process nears a full core). */
@Injectable()
export class ReplyDelaySampler implements OnApplicationBootstrap, OnApplicationShutdown {
  private histogram: ELDHistogram | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(REPLY_DELAY_SAMPLING) private readonly sampling: ReplyDelaySampling,
    private readonly engine: ChatEngine,
  ) {}

  onApplicationBootstrap(): void {
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    this.histogram = histogram;
    this.timer = setInterval(() => {
      if (histogram.count > 0) this.engine.load.recordReplyDelay(histogram.mean / 1e6);
      histogram.reset();
    }, this.sampling.everyMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.histogram?.disable();
  }
}

/** The providers of the health service and of the reply-delay sampling, as configured. */
export function healthProviders(health?: HealthServiceOptions, replyDelay?: ReplyDelaySampling): Provider[] {
  return [
    ...(health ? [{ provide: HEALTH_SERVICE_OPTIONS, useValue: health }, CountersWebInterface, CountersLogOutput] : []),
    ...(replyDelay ? [{ provide: REPLY_DELAY_SAMPLING, useValue: replyDelay }, ReplyDelaySampler] : []),
  ];
}
