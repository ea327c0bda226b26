export * from './response';
export * from './errors';
export * from './requests';
export * from './operations';
export * from './files';
export * from './reply-page';
