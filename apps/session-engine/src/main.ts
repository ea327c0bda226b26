import { runService } from '@ocs/observability';
import { SESSION_ENGINE_SERVICE, SessionEngineModule } from './session-engine.module';
import { memoryAdapters, wireSessionEngine } from './wiring';

// Until the cluster adapters exist, a stand-alone session engine runs on the in-memory adapters.
void runService(
  (config, logger) => {
    const { engine, bridge } = wireSessionEngine(config, logger, memoryAdapters());
    return SessionEngineModule.forRoot(engine, bridge);
  },
  { service: SESSION_ENGINE_SERVICE, port: (server) => server.enginePort },
);
