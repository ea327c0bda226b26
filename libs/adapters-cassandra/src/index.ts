export * from './cassandra-options';
export * from './schema';
export * from './cassandra-transcript-store';
export * from './cassandra-ownership-store';
export * from './cassandra-health';
export * from './cassandra-ucs';
export * from './cassandra-interaction-server';
export * from './cassandra-routing-store';
