import { createEngine } from '@ocs/chat-engine';
import { remoteEngineFromConfig } from '@ocs/engine-rpc';
import { ReadinessChecks, runService } from '@ocs/observability';
import { ESP_GATEWAY_SERVICE, EspGatewayModule } from './esp-gateway.module';

void runService(
  (config, logger) => {
    if (config.cluster.mode === 'embedded') return EspGatewayModule.forRoot({ config, engine: createEngine(config, { logger }) });
    // Cluster: the session engines through Redis; ready while Redis answers and at least one engine is alive.
    const remote = remoteEngineFromConfig(config, (err) => logger.error({ err }, 'remote engine failed'));
    const module = EspGatewayModule.forRoot({ config, engine: remote.engine });
    return { ...module, providers: [...(module.providers ?? []), ReadinessChecks.provider(remote.readiness)] };
  },
  { service: ESP_GATEWAY_SERVICE, port: (server) => server.espPort },
);
