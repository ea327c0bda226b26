export * from './protocol';
export * from './rpc-server';
export * from './remote-engine';
export * from './from-config';
