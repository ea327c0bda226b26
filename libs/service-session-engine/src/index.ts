export { SESSION_ENGINE_SERVICE, SessionEngineModule, type BackgroundTask, type ClusterRuntime } from './session-engine.module';
export type { HeartbeatOptions, NodeStatus } from './membership-heartbeat';
