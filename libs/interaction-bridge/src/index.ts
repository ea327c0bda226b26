export * from './interaction-bridge';
