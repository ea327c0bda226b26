export * from './engine-api';
export * from './chat-engine';
export * from './node-commands';
