export * from './statistics-api';
