export * from './transcript-store';
export * from './event-bus';
export * from './system';
