export * from './transcript-store';
export * from './event-bus';
export * from './ownership';
export * from './membership';
export * from './interaction-server';
export * from './manual-routing';
export * from './ucs';
export * from './system';
