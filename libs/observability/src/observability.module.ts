import { DynamicModule, Module } from '@nestjs/common';
import { HealthController, ReadinessChecks } from './health';
import { createMetricsRegistry, MetricsController } from './metrics';
import { METRICS_REGISTRY, SERVICE_NAME } from './tokens';

export interface ObservabilityOptions {
  /** Returned by the health endpoints. */
  readonly service: string;
}

/**
 * Health (`GET /health/live`, `GET /health/ready`) and metrics (`GET /metrics`) of one app. Global within the app,
 * so every module can inject `ReadinessChecks`, `METRICS_REGISTRY` and `LOGGER` (the logger comes from `bootstrapApp`).
 */
@Module({})
export class ObservabilityModule {
  static forRoot({ service }: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      controllers: [HealthController, MetricsController],
      providers: [{ provide: SERVICE_NAME, useValue: service }, { provide: METRICS_REGISTRY, useFactory: createMetricsRegistry }, ReadinessChecks],
      exports: [METRICS_REGISTRY, ReadinessChecks],
    };
  }
}
