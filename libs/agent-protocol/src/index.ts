export * from './events';
export * from './requests';
export * from './routing-requests';
