import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { FileUcs } from '@ocs/adapters-file';
import { MemoryUcsState } from '@ocs/adapters-memory';
import { resolve } from 'node:path';
import type { ChatEngine } from '@ocs/chat-engine';
import { maxRequestBytes, type ChatServerConfig } from '@ocs/config';
import { bootstrapApp, createLogger, type Logger } from '@ocs/observability';
import type { ManualRouting, UniversalContactServer } from '@ocs/ports';
import { ESP_GATEWAY_SERVICE, EspGatewayModule } from '../../esp-gateway/src/esp-gateway.module';
import { PUSH_NOTIFIER_SERVICE, PushNotifierModule } from '../../push-notifier/src/push-notifier.module';
import { REPORTING_ATTACHER_SERVICE, ReportingAttacherModule } from '../../reporting-attacher/src/reporting-attacher.module';
import { SESSION_ENGINE_SERVICE, SessionEngineModule } from '../../session-engine/src/session-engine.module';
import { memoryAdapters, wireSessionEngine } from '../../session-engine/src/wiring';
import { WEBAPI_GATEWAY_SERVICE, WebapiGatewayModule } from '../../webapi-gateway/src/webapi-gateway.module';
import { RouterModule } from './router/router.module';

export interface Embedded {
  engine: ChatEngine;
  /** The UCS the gateway stores file-transfer documents in. */
  ucs: UniversalContactServer;
  /** Base URL of each service, by service name. */
  urls: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Every service in one process on in-memory adapters: the same modules the separate deployables run, each on
 * its own port, sharing one session engine.
 */
export async function startEmbedded(
  config: ChatServerConfig,
  loggerFor: (service: string) => Logger = (service) => createLogger({ service, level: config.log.level }),
): Promise<Embedded> {
  // UCS keeps contacts, transcripts and documents on disk, so they outlive a restart.
  const fileUcs = await FileUcs.open(resolve(config.server.dataDir, 'ucs'), new MemoryUcsState());
  const adapters = { ...memoryAdapters(), ucs: fileUcs };
  const { engine, bridge, ucs } = wireSessionEngine(config, loggerFor(SESSION_ENGINE_SERVICE), adapters);
  const { server } = config;
  const services = [
    { name: SESSION_ENGINE_SERVICE, module: SessionEngineModule.forRoot(engine, bridge), port: server.enginePort },
    { name: WEBAPI_GATEWAY_SERVICE, module: WebapiGatewayModule.forRoot({ config, engine, ucs }), port: server.webapiPort },
    // In the embedded mode a person plays the router: its HTTP surface sits beside ESP.
    { name: ESP_GATEWAY_SERVICE, module: withRouter(EspGatewayModule.forRoot({ config, engine }), adapters.interactions), port: server.espPort },
    { name: REPORTING_ATTACHER_SERVICE, module: ReportingAttacherModule, port: server.reportingPort },
    { name: PUSH_NOTIFIER_SERVICE, module: PushNotifierModule, port: server.pushPort },
  ];
  const apps: INestApplication[] = [];
  const urls: Record<string, string> = {};
  try {
    for (const s of services) {
      const { app, url } = await bootstrapApp(s.module, {
        service: s.name,
        host: server.host,
        port: s.port,
        logger: loggerFor(s.name),
        bodyLimitBytes: maxRequestBytes(config),
      });
      apps.push(app);
      urls[s.name] = url;
    }
  } catch (error) {
    await Promise.all(apps.map((a) => a.close()));
    await fileUcs.close();
    throw error;
  }
  return {
    engine,
    ucs,
    urls,
    close: async () => {
      for (const app of apps.reverse()) await app.close();
      await fileUcs.close();
    },
  };
}

@Module({})
class EmbeddedEspModule {}

function withRouter(esp: DynamicModule, routing: ManualRouting): DynamicModule {
  return { module: EmbeddedEspModule, imports: [esp, RouterModule.forRoot(routing)] };
}
