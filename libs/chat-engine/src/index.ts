export * from './engine-api';
export * from './chat-engine';
export type { ChatEngineDeps } from './engine-parts';
export * from './durability';
export * from './limits';
export * from './restoration';
export type { LeaseRenewal } from './membership-lease';
export * from './node-commands';
export * from './pii-rule-book';
