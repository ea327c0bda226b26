export * from './file-ucs';
