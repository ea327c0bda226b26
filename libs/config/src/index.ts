export { ConfigError } from './config-error';
export { loadConfig, type LoadConfigOptions } from './load-config';
export type { ChatServerConfig } from './schema';
