export * from './transcript-store.contract';
export * from './event-bus.contract';
export * from './clients/inbox';
export * from './clients/gms-rest-client';
export * from './clients/gms-cometd-client';
export * from './clients/agent-test-client';
export * from './interaction-server.contract';
export * from './ucs.contract';
