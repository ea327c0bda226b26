export { ROUTING_GROUP, RoutingRuntime, type RoutingRuntimeDeps, type RoutingRuntimeOptions } from './routing-runtime';
export { RoutedInteractions } from './routed-interactions';
export { APPLIED_MEMORY, readDocument, type RoutingDocument } from './routing-document';
export { RoutingMetricsSink, RoutingModule, type RoutingServiceRuntime } from './routing.module';
export { ExternalWebhook, readDecision, EXTERNAL_REQUEST_HEADER, EXTERNAL_SIGNATURE_HEADER, type ExternalWebhookOptions } from './external-webhook';
export { ExternalDecisionsController, type ExternalDecisionPorts } from './external-decisions.controller';
export { RoutedManualRouting } from './routed-manual-routing';
