import type { INestApplication } from '@nestjs/common';
import { FileUcs } from '@ocs/adapters-file';
import { MemoryStatisticsCheckpoints, MemoryUcsState } from '@ocs/adapters-memory';
import type { ChatEngine } from '@ocs/chat-engine';
import { maxRequestBytes, type ChatServerConfig } from '@ocs/config';
import { appMetrics, bootstrapApp, createLogger, createMetricsRegistry, type Logger } from '@ocs/observability';
import type { EventBus, UniversalContactServer } from '@ocs/ports';
import { EspGatewayModule } from '@ocs/service-esp-gateway';
import { PushNotifierModule } from '@ocs/service-push-notifier';
import { ReportingAttacherModule } from '@ocs/service-reporting-attacher';
import { CountersWebInterface, SessionEngineModule } from '@ocs/service-session-engine';
import { WebapiGatewayModule } from '@ocs/service-webapi-gateway';
import { resolve } from 'node:path';
import { logHygieneFromConfig } from './config-to-options';
import { nodeHealth } from './node-health';
import { listenAddress } from './run-service';
import { memoryAdapters, wireSessionEngine } from './session-engine-parts';
import { espGateway } from './services/esp-gateway';
import { createAttacher, reportingAttacher } from './services/reporting-attacher';
import { pushNotifier, pushNotifierOn } from './services/push-notifier';
import { sessionEngine } from './services/session-engine';
import { builtinRouting } from './services/routing';
import { webapiGateway, webapiGatewayOptions } from './services/webapi-gateway';

export interface Embedded {
  engine: ChatEngine;
  /** The UCS the gateway stores file-transfer documents in. */
  ucs: UniversalContactServer;
  /** The bus the services share in the process (session events, push notifications). */
  bus: EventBus;
  /** Base URL of each service, by service name; `health`: the health port's, when `[server] health-port` is set. */
  urls: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Every service in one process on in-memory adapters: the same modules the separate deployables run, each on
 * its own port, sharing one session engine.
 */
export async function startEmbedded(
  config: ChatServerConfig,
  loggerFor: (service: string) => Logger = (service) => createLogger({ service, level: config.log.level, hygiene: logHygieneFromConfig(config) }),
): Promise<Embedded> {
  // UCS keeps contacts, transcripts and documents on disk, so they outlive a restart.
  const fileUcs = await FileUcs.open(resolve(config.server.dataDir, 'ucs'), new MemoryUcsState());
  const adapters = { ...memoryAdapters(), ucs: fileUcs };
  const attacherLogger = loggerFor(reportingAttacher.name);
  const attacher = createAttacher(config, attacherLogger, { ...adapters, checkpoints: new MemoryStatisticsCheckpoints() });
  // Built-in routing: the chat server's interactions reach it through the bus, agents over their WebSocket; the
  // router surface stays beside it, its take being the manual pick of the agent a chat is taken for.
  const routing =
    config.routing.mode === 'builtin' ? builtinRouting(config, loggerFor('routing'), { bus: adapters.bus, interactions: adapters.interactions }) : undefined;
  const engineRegistry = createMetricsRegistry();
  const { engine, tasks, ucs, counters } = wireSessionEngine(
    config,
    loggerFor(sessionEngine.name),
    { ...adapters, interactions: routing?.interactions ?? adapters.interactions },
    undefined,
    { metrics: appMetrics(engineRegistry), attacherRuns: attacher !== undefined },
  );
  const { server } = config;
  const services = [
    {
      service: sessionEngine,
      module: SessionEngineModule.forRoot(engine, tasks, undefined, { ...nodeHealth(config, counters, server.alias), registry: engineRegistry }),
    },
    { service: webapiGateway, module: WebapiGatewayModule.forRoot(webapiGatewayOptions(config, { engine, ucs, agentRouting: routing?.agentPorts })) },
    // The router surface sits beside ESP (a person may play the router); the built-in routing runs in the same app.
    {
      service: espGateway,
      module: EspGatewayModule.forRoot({
        engine,
        routing: routing ? routing.routerSurface(adapters.interactions) : adapters.interactions,
        secret: config.server.espSecret,
        modules: routing ? [routing.module] : [],
      }),
    },
    { service: reportingAttacher, module: ReportingAttacherModule.forRoot(attacher) },
    { service: pushNotifier, module: PushNotifierModule.forRoot({ notifier: pushNotifierOn(config, adapters.bus, loggerFor(pushNotifier.name)) }) },
  ];
  const apps: INestApplication[] = [];
  const urls: Record<string, string> = {};
  try {
    for (const { service, module } of services) {
      const { app, url } = await bootstrapApp(module, {
        service: service.name,
        ...listenAddress(server, service.surface),
        logger: service === reportingAttacher ? attacherLogger : loggerFor(service.name),
        bodyLimitBytes: maxRequestBytes(config),
        bodyMaxFields: config.settings.requestMaxFields,
      });
      apps.push(app);
      urls[service.name] = url;
      // The health port's listener exists only when `[server] health-port` is set (asking Nest for a missing provider logs an error).
      const health = service === sessionEngine && server.healthPort !== undefined ? app.get(CountersWebInterface).url : undefined;
      if (health) urls.health = health;
    }
  } catch (error) {
    await Promise.all(apps.map((a) => a.close()));
    await fileUcs.close();
    throw error;
  }
  return {
    engine,
    ucs,
    bus: adapters.bus,
    urls,
    close: async () => {
      for (const app of apps.reverse()) await app.close();
      await fileUcs.close();
    },
  };
}
