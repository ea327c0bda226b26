import { runService } from '@ocs/observability';
import { PUSH_NOTIFIER_SERVICE, PushNotifierModule } from './push-notifier.module';

void runService(() => PushNotifierModule, { service: PUSH_NOTIFIER_SERVICE, port: (server) => server.pushPort });
