export { SESSION_ENGINE_SERVICE, SessionEngineModule, type BackgroundTask, type ClusterRuntime, type NodeHealth } from './session-engine.module';
export type { HeartbeatOptions, NodeStatus } from './membership-heartbeat';
export { CountersWebInterface, type HealthServiceOptions, type ReplyDelaySampling } from './health/health-service';
export { answerCounters, countersQuery, prometheusText, type CountersQuery } from './health/counters-query';
