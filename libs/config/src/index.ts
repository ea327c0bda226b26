export { ConfigError } from './config-error';
export { loadConfig, type LoadConfigOptions } from './load-config';
export { maxRequestBytes, parseConfig, type ChatServerConfig, type QueueSectionConfig } from './schema';
