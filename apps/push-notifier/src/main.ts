import { runService, pushNotifier } from '@ocs/wiring';

void runService(pushNotifier);
