import { MemoryUcs } from '@ocs/adapters-memory';
import { createEngine } from '@ocs/chat-engine';
import { runService } from '@ocs/observability';
import { WEBAPI_GATEWAY_SERVICE, WebapiGatewayModule } from './webapi-gateway.module';

// Until the cluster adapters exist, a stand-alone gateway carries its own in-process engine.
void runService(
  (config, logger) =>
    WebapiGatewayModule.forRoot({ config, engine: createEngine(config, { logger }), ucs: new MemoryUcs() }),
  { service: WEBAPI_GATEWAY_SERVICE, port: (server) => server.webapiPort },
);
