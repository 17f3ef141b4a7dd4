export * from './limit-decision';
export * from './limit-keys';
export * from './limits-engine';
export * from './limits-reader';
export * from './limits-usage';
export * from './limits.errors';
export * from './limits.types';
