import { runService, sessionEngine } from '@ocs/wiring';

void runService(sessionEngine);
