import { MemoryUcs } from '@ocs/adapters-memory';
import { gatewayEngine } from '@ocs/engine-rpc';
import { runService } from '@ocs/observability';
import { WEBAPI_GATEWAY_SERVICE, WebapiGatewayModule } from './webapi-gateway.module';

// UCS documents stay in memory per gateway until the cluster UCS adapter exists.
void runService((config, logger) => WebapiGatewayModule.forRoot({ config, engine: gatewayEngine(config, logger), ucs: new MemoryUcs() }), {
  service: WEBAPI_GATEWAY_SERVICE,
  port: (server) => server.webapiPort,
});
