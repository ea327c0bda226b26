import type { DynamicModule } from '@nestjs/common';
import type { ChatServerConfig } from '@ocs/config';
import { appMetrics, createMetricsRegistry, ReadinessChecks, type AppMetrics, type Logger } from '@ocs/observability';
import { clusterAdapters } from '../cluster-adapters';
import { ESP_GATEWAY_SERVICE, EspGatewayModule } from '@ocs/service-esp-gateway';
import { createEngine } from '../engine';
import { remoteEngineFromConfig } from '../remote-engine';
import type { ServiceAssembly } from '../run-service';
import { builtinRouting } from './routing';

/**
 * The built-in routing of a cluster, run in each esp-gateway replica: commands from the Kafka topic (one group
 * member per tenant partition), agents reached through Redis fan-out, interaction properties on the shared
 * interaction queue, state in the routing store.
 */
async function clusterRouting(config: ChatServerConfig, logger: Logger, metrics: AppMetrics): Promise<DynamicModule> {
  const cluster = await clusterAdapters(config, logger, metrics);
  return builtinRouting(config, logger, {
    bus: cluster.adapters.bus,
    interactions: cluster.adapters.interactions,
    fanOut: cluster.fanOut,
    store: cluster.routingStore,
    close: () => cluster.close(),
  }).module;
}

/**
 * An esp-gateway process. Embedded: its own engine in memory. Cluster: the session engines through Redis; ready
 * while Redis answers and at least one engine is alive.
 */
export const espGateway: ServiceAssembly = {
  name: ESP_GATEWAY_SERVICE,
  surface: 'esp',
  clusterSecrets: ['internal-secret', 'esp-secret'],
  module: async (config, logger) => {
    const secret = config.server.espSecret;
    if (config.cluster.mode === 'embedded') return EspGatewayModule.forRoot({ engine: createEngine(config, { logger }), secret });
    const registry = createMetricsRegistry();
    const metrics = appMetrics(registry);
    const remote = remoteEngineFromConfig(config, (err) => logger.error({ err }, 'remote engine failed'), undefined, metrics);
    const module = EspGatewayModule.forRoot({
      engine: remote.engine,
      secret,
      registry,
      modules: config.routing.mode === 'builtin' ? [await clusterRouting(config, logger, metrics)] : [],
    });
    return { ...module, providers: [...(module.providers ?? []), ReadinessChecks.provider(remote.readiness)] };
  },
};
