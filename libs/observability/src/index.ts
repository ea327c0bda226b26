export type { Logger } from 'pino';
export { ApiErrorsFilter, type ApiErrorReplies, type ApiErrorReply } from './api-errors.filter';
export { bootstrapApp, type BootstrapOptions, type BootstrappedApp } from './bootstrap';
export { ReadinessChecks, type ReadinessCheck } from './health';
export { createLogger, type LogFilter, type LogHygiene, type LoggerOptions } from './logger';
export { createMetricsRegistry } from './metrics';
export { NestPinoLogger } from './nest-logger';
export { ObservabilityModule, type ObservabilityOptions } from './observability.module';
export { LOGGER, METRICS_REGISTRY } from './tokens';
