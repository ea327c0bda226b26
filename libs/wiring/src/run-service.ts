import type { DynamicModule, Type } from '@nestjs/common';
import { ConfigError, loadConfig, maxRequestBytes, type ChatServerConfig, type ClusterSecret } from '@ocs/config';
import { bootstrapApp, createLogger, type BootstrappedApp, type Logger } from '@ocs/observability';
import { logHygieneFromConfig } from './config-to-options';

/** The surfaces the services listen on, each with its `[server] <surface>-port` and `<surface>-host` options. */
export type Surface = 'webapi' | 'esp' | 'engine' | 'reporting' | 'push';

/** Where a surface listens: its own host option, else `[server] host`, and its port. */
export function listenAddress(server: ChatServerConfig['server'], surface: Surface): { host: string; port: number } {
  return { host: server[`${surface}Host`] ?? server.host, port: server[`${surface}Port`] };
}

/** The base URL of a listen address, as other processes are told it: `http://host:port` (an IPv6 address in brackets). */
export function httpUrl({ host, port }: { host: string; port: number }): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** One service as the configuration assembles it, whether it runs alone (`runService`) or not. */
export interface ServiceAssembly {
  /** The service's name: in its logs, `/health` replies and metrics. */
  readonly name: string;
  /** The surface it serves, whose host and port options it listens on. */
  readonly surface: Surface;
  /** The cluster secrets it uses, required in cluster mode (none: it neither calls nor serves the internal endpoints). */
  readonly clusterSecrets: readonly ClusterSecret[];
  /** The service's root module, as `[cluster] mode` wants it: on its own adapters in memory, or in the cluster. */
  module(config: ChatServerConfig, logger: Logger): Type<unknown> | DynamicModule | Promise<Type<unknown> | DynamicModule>;
}

/**
 * The configuration (`--config` / `OCS_CONFIG` / `OCS__*`). On a configuration error the process exits with code 1,
 * the error written to stderr under the name of what failed to start.
 */
export function loadConfigOrExit(name: string, clusterSecrets?: readonly ClusterSecret[]): ChatServerConfig {
  try {
    return loadConfig({ clusterSecrets });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${name}: invalid configuration\n${e.message}\n`);
    return process.exit(1);
  }
}

/**
 * The `main` of a one-service process: loads the configuration, then bootstraps the service's module on
 * its surface's host (`[server] <surface>-host`, else `host`) and port. Exits with code 1 on a configuration error (written to stderr) or a failed start
 * (logged as fatal).
 */
export async function runService(service: ServiceAssembly): Promise<BootstrappedApp> {
  const config = loadConfigOrExit(service.name, service.clusterSecrets);
  const logger = createLogger({ service: service.name, level: config.log.level, hygiene: logHygieneFromConfig(config) });
  try {
    return await bootstrapApp(await service.module(config, logger), {
      service: service.name,
      ...listenAddress(config.server, service.surface),
      logger,
      bodyLimitBytes: maxRequestBytes(config),
      bodyMaxFields: config.settings.requestMaxFields,
    });
  } catch (err) {
    logger.fatal({ err }, `${service.name} failed to start`);
    return process.exit(1);
  }
}
