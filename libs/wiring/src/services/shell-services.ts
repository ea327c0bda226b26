import type { DynamicModule } from '@nestjs/common';
import { ObservabilityModule } from '@ocs/observability';
import type { ServiceAssembly, Surface } from '../run-service';

/** A service that so far serves only its health checks and metrics; its features come with later work. */
function shellService(name: string, surface: Surface): ServiceAssembly & { module: () => DynamicModule } {
  return { name, surface, module: () => ObservabilityModule.forRoot({ service: name }) };
}

/** The push-notifier service (push notifications, to come). */
export const pushNotifier = shellService('push-notifier', 'push');
