import { Module } from '@nestjs/common';
import { ObservabilityModule } from '@ocs/observability';

export const ESP_GATEWAY_SERVICE = 'esp-gateway';

/** The esp-gateway service: so far only health checks and metrics; its features come with later issues. */
@Module({ imports: [ObservabilityModule.forRoot({ service: ESP_GATEWAY_SERVICE })] })
export class EspGatewayModule {}
