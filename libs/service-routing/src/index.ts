export { ROUTING_GROUP, RoutingRuntime, type RoutingRuntimeDeps, type RoutingRuntimeOptions } from './routing-runtime';
export { RoutedInteractions } from './routed-interactions';
export { APPLIED_MEMORY, readDocument, type RoutingDocument } from './routing-document';
export { RoutingMetricsSink, RoutingModule, type RoutingServiceRuntime } from './routing.module';
