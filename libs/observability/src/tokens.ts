/** Injection token of the app's pino `Logger` (provided by `bootstrapApp`). */
export const LOGGER = Symbol('ocs.logger');
/** Injection token of the app's prom-client `Registry`; register your metrics on it. */
export const METRICS_REGISTRY = Symbol('ocs.metrics-registry');
/** Injection token of the service name given to `ObservabilityModule.forRoot`. */
export const SERVICE_NAME = Symbol('ocs.service-name');
/** Injection token of the app's `RequestClassifier` (or null): which requests the request metrics count. */
export const REQUEST_CLASSIFIER = Symbol('ocs.request-classifier');
