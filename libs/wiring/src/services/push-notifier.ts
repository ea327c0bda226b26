import { ConfigError, type ChatServerConfig } from '@ocs/config';
import type { Logger } from '@ocs/observability';
import type { EventBus } from '@ocs/ports';
import { CUSTOM_HTTP, PUSH_NOTIFIER_SERVICE, PushNotifier, PushNotifierModule, type PushNotifierOptions } from '@ocs/service-push-notifier';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { kafkaBusFromConfig } from '../cluster-adapters';
import type { ServiceAssembly } from '../run-service';

/**
 * The notifier's options from `[push]` (and `[server] alias`); undefined while custom-http delivery is off
 * (`pushEnabled` does not list `customhttp`). The `tls-ca-file` is read here: one that cannot be read stops the
 * start with an error naming the option.
 */
export function pushOptionsFromConfig(config: ChatServerConfig): PushNotifierOptions | undefined {
  const { push } = config;
  const url = push['customhttp.url'];
  if (!push.pushEnabled.includes(CUSTOM_HTTP) || url === undefined) return undefined;
  let ca: string | undefined;
  if (push.tlsCaFile) {
    try {
      ca = readFileSync(push.tlsCaFile, 'utf8');
    } catch (e) {
      throw new ConfigError([`invalid option [push] tls-ca-file: cannot read ${push.tlsCaFile}: ${(e as Error).message}`]);
    }
  }
  const customMessage = push['customhttp.message'];
  return {
    receiver: {
      url,
      timeoutMs: push.requestTimeout * 1000,
      ...(ca !== undefined ? { ca } : {}),
      rejectUnauthorized: push.tlsRejectUnauthorized,
      ...(push.signingSecret ? { signingSecret: push.signingSecret } : {}),
      maxSockets: push.concurrency,
    },
    body: { alias: config.server.alias, ...(customMessage !== undefined ? { customMessage } : {}) },
    delivery: {
      concurrency: push.concurrency,
      queueSize: push.queueSize,
      retryAttempts: push.retryAttempts,
      retryDelayMs: push.retryDelay,
      retryMaxDelayMs: push.retryMaxDelay,
    },
    maxAgeMs: push.maxAge * 1000,
  };
}

/** The notifier on `bus` as `[push]` configures it, or none (logged) while delivery is off. */
export function pushNotifierOn(config: ChatServerConfig, bus: EventBus, logger: Logger): PushNotifier | undefined {
  const options = pushOptionsFromConfig(config);
  if (!options) {
    logger.info('push delivery is off: [push] pushEnabled does not list customhttp');
    return undefined;
  }
  return new PushNotifier(bus, options, logger);
}

/**
 * The push-notifier service. Embedded alone it has no engine to hear from, so it only serves health and metrics (the
 * all-in-one process runs it on the engine's bus). Cluster: consumes the session events from Kafka in its own
 * consumer group and delivers.
 */
export const pushNotifier: ServiceAssembly = {
  name: PUSH_NOTIFIER_SERVICE,
  surface: 'push',
  clusterSecrets: [],
  module: async (config, logger) => {
    const options = pushOptionsFromConfig(config);
    if (config.cluster.mode === 'embedded') return PushNotifierModule.forRoot();
    if (!options) {
      logger.info('push delivery is off: [push] pushEnabled does not list customhttp');
      return PushNotifierModule.forRoot();
    }
    const bus = await kafkaBusFromConfig(config, logger, `${PUSH_NOTIFIER_SERVICE}-${config.cluster.nodeId || `${hostname()}-${process.pid}`}`);
    return PushNotifierModule.forRoot({
      notifier: new PushNotifier(bus, options, logger),
      readiness: { kafka: async () => (await bus.reachable(), true) },
      close: () => bus.close(),
    });
  },
};
