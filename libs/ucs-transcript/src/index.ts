export * from './transcript-xml';
