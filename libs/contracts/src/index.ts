export * from './ids';
export * from './limits';
export * from './errors';
export * from './invalidation';
