import { runService, espGateway } from '@ocs/wiring';

void runService(espGateway);
