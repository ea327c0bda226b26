import { runService, reportingAttacher } from '@ocs/wiring';

void runService(reportingAttacher);
