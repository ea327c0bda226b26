import { runService } from '@ocs/observability';
import { REPORTING_ATTACHER_SERVICE, ReportingAttacherModule } from './reporting-attacher.module';

void runService(() => ReportingAttacherModule, { service: REPORTING_ATTACHER_SERVICE, port: (server) => server.reportingPort });
