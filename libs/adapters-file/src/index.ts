export * from './file-ucs';
export * from './file-pii-rules';
