import type { DynamicModule } from '@nestjs/common';
import { ObservabilityModule } from '@ocs/observability';
import type { ServiceAssembly, Surface } from '../run-service';

/** A service that so far serves only its health checks and metrics; its features come with later work. */
function shellService(name: string, surface: Surface): ServiceAssembly & { module: () => DynamicModule } {
  return { name, surface, clusterSecrets: [], module: () => ObservabilityModule.forRoot({ service: name }) };
}

/** The reporting-attacher service (reporting statistics attached to the interaction, to come). */
export const reportingAttacher = shellService('reporting-attacher', 'reporting');
