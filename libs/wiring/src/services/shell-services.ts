import type { DynamicModule } from '@nestjs/common';
import type { ChatServerConfig } from '@ocs/config';
import { ObservabilityModule } from '@ocs/observability';
import type { ServiceAssembly } from '../run-service';

/** A service that so far serves only its health checks and metrics; its features come with later work. */
function shellService(name: string, port: (server: ChatServerConfig['server']) => number): ServiceAssembly & { module: () => DynamicModule } {
  return { name, port, module: () => ObservabilityModule.forRoot({ service: name }) };
}

/** The reporting-attacher service (reporting statistics attached to the interaction, to come). */
export const reportingAttacher = shellService('reporting-attacher', (server) => server.reportingPort);

/** The push-notifier service (push notifications, to come). */
export const pushNotifier = shellService('push-notifier', (server) => server.pushPort);
