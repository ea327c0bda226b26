import { createEngine } from '@ocs/chat-engine';
import { runService } from '@ocs/observability';
import { SESSION_ENGINE_SERVICE, SessionEngineModule } from './session-engine.module';

void runService(
  (config, logger) => SessionEngineModule.forRoot(createEngine(config, { logger })),
  { service: SESSION_ENGINE_SERVICE, port: (server) => server.enginePort },
);
