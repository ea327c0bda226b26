export * from './memory-transcript-store';
export * from './memory-event-bus';
