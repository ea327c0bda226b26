import { Module } from '@nestjs/common';
import { ObservabilityModule } from '@ocs/observability';
import type { ServiceAssembly } from '../run-service';

export const PUSH_NOTIFIER_SERVICE = 'push-notifier';

/** The push-notifier service: so far only health checks and metrics; its features come with later issues. */
@Module({ imports: [ObservabilityModule.forRoot({ service: PUSH_NOTIFIER_SERVICE })] })
export class PushNotifierModule {}

export const pushNotifier: ServiceAssembly = {
  name: PUSH_NOTIFIER_SERVICE,
  port: (server) => server.pushPort,
  module: () => PushNotifierModule,
};
