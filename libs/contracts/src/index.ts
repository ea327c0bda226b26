export * from './chat-event';
export * from './engine-errors';
export * from './bus/topics';
export * from './bus/record-contract';
export * from './bus/session-events';
export * from './bus/push-notices';
export * from './bus/node-commands';
export * from './bus/interaction-events';
