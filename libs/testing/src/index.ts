export * from './transcript-store.contract';
export * from './event-bus.contract';
