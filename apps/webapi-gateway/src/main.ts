import { CassandraUcs, cassandraOptionsFromConfig, connectCassandra } from '@ocs/adapters-cassandra';
import { MemoryUcs } from '@ocs/adapters-memory';
import { createEngine } from '@ocs/chat-engine';
import { remoteEngineFromConfig } from '@ocs/engine-rpc';
import { runService } from '@ocs/observability';
import { WEBAPI_GATEWAY_SERVICE, WebapiGatewayModule } from './webapi-gateway.module';

void runService(
  async (config, logger) => {
    if (config.cluster.mode === 'embedded') return WebapiGatewayModule.forRoot({ config, engine: createEngine(config, { logger }), ucs: new MemoryUcs() });
    // Cluster: the session engines through Redis, the documents of file transfer in the UCS every gateway shares.
    const remote = remoteEngineFromConfig(config, (err) => logger.error({ err }, 'remote engine failed'));
    const cassandra = await connectCassandra(cassandraOptionsFromConfig(config));
    return WebapiGatewayModule.forRoot({
      config,
      engine: remote.engine,
      ucs: new CassandraUcs(cassandra),
      readiness: remote.readiness,
      release: async () => {
        await remote.close();
        await cassandra.client.shutdown();
      },
    });
  },
  { service: WEBAPI_GATEWAY_SERVICE, port: (server) => server.webapiPort },
);
