export * from './types';
export * from './errors';
export * from './clock';
export * from './kv';
export * from './rules';
export * from './visibility';
export * from './protocol-version';
// The folder's index by name: a build output of the former session.js left in dist would otherwise be loaded instead.
export * from './session/index';
export * from './deadline-queue';
