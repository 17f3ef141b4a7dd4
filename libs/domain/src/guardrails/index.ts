export * from './pii';
export * from './output';
