import { DynamicModule, Type } from '@nestjs/common';
import { ChatServerConfig, ConfigError, loadConfig, maxRequestBytes } from '@ocs/config';
import type { Logger } from 'pino';
import { bootstrapApp, BootstrappedApp } from './bootstrap';
import { createLogger } from './logger';

export interface ServiceOptions {
  readonly service: string;
  /** The service's port option, e.g. `(server) => server.espPort`. */
  readonly port: (server: ChatServerConfig['server']) => number;
}

/**
 * The `main` of a one-service process: loads the configuration (`--config` / `OCS_CONFIG` / `OCS__*`), then
 * bootstraps the app on `[server] host` and its port. Exits with code 1 on a configuration error (written to
 * stderr) or a failed start (logged as fatal).
 */
export async function runService(
  rootModule: (config: ChatServerConfig, logger: Logger) => Type<unknown> | DynamicModule | Promise<Type<unknown> | DynamicModule>,
  { service, port }: ServiceOptions,
): Promise<BootstrappedApp> {
  let config: ChatServerConfig;
  try {
    config = loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${service}: invalid configuration\n${e.message}\n`);
    return process.exit(1);
  }
  const logger = createLogger({ service, level: config.log.level });
  try {
    return await bootstrapApp(await rootModule(config, logger), {
      service,
      host: config.server.host,
      port: port(config.server),
      logger,
      bodyLimitBytes: maxRequestBytes(config),
    });
  } catch (err) {
    logger.fatal({ err }, `${service} failed to start`);
    return process.exit(1);
  }
}
