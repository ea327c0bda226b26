import { runService, webapiGateway } from '@ocs/wiring';

void runService(webapiGateway);
