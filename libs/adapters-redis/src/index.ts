export * from './redis-options';
export * from './redis-membership';
export * from './redis-fan-out';
export * from './redis-statistics-checkpoints';
