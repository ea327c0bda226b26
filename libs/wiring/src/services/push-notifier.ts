import { Module } from '@nestjs/common';
import { ObservabilityModule } from '@ocs/observability';

export const PUSH_NOTIFIER_SERVICE = 'push-notifier';

/** The push-notifier service: so far only health checks and metrics; its features come with later issues. */
@Module({ imports: [ObservabilityModule.forRoot({ service: PUSH_NOTIFIER_SERVICE })] })
export class PushNotifierModule {}
