import { appMetrics, createMetricsRegistry, ReadinessChecks } from '@ocs/observability';
import { ESP_GATEWAY_SERVICE, EspGatewayModule } from '@ocs/service-esp-gateway';
import { createEngine } from '../engine';
import { remoteEngineFromConfig } from '../remote-engine';
import type { ServiceAssembly } from '../run-service';

/**
 * An esp-gateway process. Embedded: its own engine in memory. Cluster: the session engines through Redis; ready
 * while Redis answers and at least one engine is alive.
 */
export const espGateway: ServiceAssembly = {
  name: ESP_GATEWAY_SERVICE,
  surface: 'esp',
  clusterSecrets: ['internal-secret', 'esp-secret'],
  module: (config, logger) => {
    const secret = config.server.espSecret;
    if (config.cluster.mode === 'embedded') return EspGatewayModule.forRoot({ engine: createEngine(config, { logger }), secret });
    const registry = createMetricsRegistry();
    const remote = remoteEngineFromConfig(config, (err) => logger.error({ err }, 'remote engine failed'), undefined, appMetrics(registry));
    const module = EspGatewayModule.forRoot({ engine: remote.engine, secret, registry });
    return { ...module, providers: [...(module.providers ?? []), ReadinessChecks.provider(remote.readiness)] };
  },
};
