export * from './interaction-bridge';
export * from './from-config';
