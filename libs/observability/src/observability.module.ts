import { DynamicModule, Module } from '@nestjs/common';
import { HealthController, ReadinessChecks } from './health';
import type { Registry } from 'prom-client';
import { createMetricsRegistry, MetricsController } from './metrics';
import type { RequestClassifier } from './request-metrics';
import { METRICS_REGISTRY, REQUEST_CLASSIFIER, SERVICE_NAME } from './tokens';

export interface ObservabilityOptions {
  /** Returned by the health endpoints. */
  readonly service: string;
  /** The app's registry, when the wiring made it (to hand the libraries its metrics); default: a new one. */
  readonly registry?: Registry;
  /** Which requests `ocs_requests_total` counts, as which API and operation; default: none. */
  readonly classify?: RequestClassifier;
}

/**
 * Health (`GET /health/live`, `GET /health/ready`) and metrics (`GET /metrics`) of one app. Global within the app,
 * so every module can inject `ReadinessChecks`, `METRICS_REGISTRY` and `LOGGER` (the logger comes from `bootstrapApp`).
 */
@Module({})
export class ObservabilityModule {
  static forRoot({ service, registry, classify }: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_NAME, useValue: service },
        registry ? { provide: METRICS_REGISTRY, useValue: registry } : { provide: METRICS_REGISTRY, useFactory: createMetricsRegistry },
        { provide: REQUEST_CLASSIFIER, useValue: classify ?? null },
        ReadinessChecks,
      ],
      exports: [METRICS_REGISTRY, REQUEST_CLASSIFIER, ReadinessChecks],
    };
  }
}
