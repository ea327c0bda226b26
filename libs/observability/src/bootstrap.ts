import { DynamicModule, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Logger } from 'pino';
import { NestPinoLogger } from './nest-logger';
import { appMetrics } from './app-metrics';
import { requestMetrics, type RequestClassifier } from './request-metrics';
import { LOGGER, METRICS_REGISTRY, REQUEST_CLASSIFIER } from './tokens';
import type { Registry } from 'prom-client';

export interface BootstrapOptions {
  /** Named in the start-up log line. */
  readonly service: string;
  /** Bind address. */
  readonly host: string;
  /** 0 = any free port; the chosen one is in the returned `url`. */
  readonly port: number;
  /** The app's logger: used by Nest and injectable everywhere in the app as `LOGGER`. */
  readonly logger: Logger;
  /** Largest request body (JSON or form) accepted; default 100 KiB. */
  readonly bodyLimitBytes?: number;
  /** Most fields of a form body (body-parser's `parameterLimit`); default 1000. */
  readonly bodyMaxFields?: number;
}

export interface BootstrappedApp {
  readonly app: NestExpressApplication;
  /** `http://<host>:<actual port>` */
  readonly url: string;
}

/**
 * Connections the kernel queues for a service before it accepts them (capped by `net.core.somaxconn`). Node's default,
 * 511, overflowed when thousands of customers connected within seconds while the event loop was busy: the kernel
 * dropped their SYNs and the clients retried after 1, 3, 7, 15 s, which they saw as handshakes without an answer.
 */
const LISTEN_BACKLOG = 4096;

/** Carries the app's logger into its DI container. */
@Module({})
class AppRootModule {}

/**
 * Creates, starts and returns one Express-based Nest app. Each call builds its own container (logger, registry,
 * checks), so several apps can run in one process. Caveat: Nest's static `Logger` is process-wide, so Nest's own
 * framework messages go to the logger of the app bootstrapped last.
 */
export async function bootstrapApp(rootModule: Type<unknown> | DynamicModule, options: BootstrapOptions): Promise<BootstrappedApp> {
  const { service, host, port, logger } = options;
  const root: DynamicModule = {
    module: AppRootModule,
    global: true,
    imports: [rootModule],
    providers: [{ provide: LOGGER, useValue: logger }],
    exports: [LOGGER],
  };
  const app = await NestFactory.create<NestExpressApplication>(root, { logger: new NestPinoLogger(logger), abortOnError: false, bodyParser: false });
  countRequests(app);
  const limit = options.bodyLimitBytes ?? 100 * 1024;
  app.useBodyParser('json', { limit });
  app.useBodyParser('urlencoded', { extended: true, limit, parameterLimit: options.bodyMaxFields ?? 1000 });
  app.disable('x-powered-by');
  try {
    app.enableShutdownHooks();
    // Nest hands these arguments on to Node's `server.listen(port, host, backlog, callback)`; its types leave out the
    // backlog.
    const listen = app.listen.bind(app) as unknown as (port: number, host: string, backlog: number) => Promise<unknown>;
    await listen(port, host, LISTEN_BACKLOG);
  } catch (e) {
    await app.close();
    throw e;
  }
  const server: Server = app.getHttpServer();
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`;
  logger.info({ url }, `${service} listening`);
  return { app, url };
}

/** Every request the app's classifier names is counted and timed (`ocs_requests_total`), before any route sees it. */
function countRequests(app: NestExpressApplication): void {
  let classify: RequestClassifier | null;
  try {
    classify = app.get<RequestClassifier | null>(REQUEST_CLASSIFIER, { strict: false });
  } catch {
    return; // an app without the observability module
  }
  if (!classify) return;
  app.use(requestMetrics(appMetrics(app.get<Registry>(METRICS_REGISTRY, { strict: false })), classify));
}
