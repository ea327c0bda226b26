export * from './reporting-attacher';
export * from './reporting-attacher.module';
