export * from './pii';
