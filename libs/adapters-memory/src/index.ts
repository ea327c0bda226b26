export * from './memory-transcript-store';
export * from './memory-event-bus';
export * from './memory-ucs';
export * from './memory-interaction-server';
export * from './memory-ownership-store';
export * from './memory-membership';
export * from './packed-records';
export * from './memory-statistics-checkpoints';
