import { Module } from '@nestjs/common';
import { ObservabilityModule } from '@ocs/observability';
import type { ServiceAssembly } from '../run-service';

export const REPORTING_ATTACHER_SERVICE = 'reporting-attacher';

/** The reporting-attacher service: so far only health checks and metrics; its features come with later issues. */
@Module({ imports: [ObservabilityModule.forRoot({ service: REPORTING_ATTACHER_SERVICE })] })
export class ReportingAttacherModule {}

export const reportingAttacher: ServiceAssembly = {
  name: REPORTING_ATTACHER_SERVICE,
  port: (server) => server.reportingPort,
  module: () => ReportingAttacherModule,
};
