export * from './statistics-api';
export { foldStatistics } from './fold';
export { timestamp } from './key-values';
