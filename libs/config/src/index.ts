export { ConfigError } from './config-error';
export { loadConfig, type LoadConfigOptions } from './load-config';
export { CLUSTER_SECRETS, maxRequestBytes, parseConfig, type ChatServerConfig, type ClusterSecret, type QueueSectionConfig } from './schema';
