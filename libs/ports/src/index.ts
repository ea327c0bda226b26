export * from './transcript-store';
export * from './event-bus';
export * from './interaction-server';
export * from './ucs';
export * from './system';
