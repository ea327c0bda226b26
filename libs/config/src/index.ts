export { ConfigError } from './config-error';
export { loadConfig, type LoadConfigOptions } from './load-config';
export { maxRequestBytes, type ChatServerConfig } from './schema';
