export * from './engine-api';
export * from './chat-engine';
export * from './from-config';
export * from './node-commands';
