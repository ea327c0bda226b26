export * from './engine-api';
export * from './chat-engine';
