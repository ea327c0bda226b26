export * from './protocol';
export * from './rpc-server';
export * from './remote-engine';
