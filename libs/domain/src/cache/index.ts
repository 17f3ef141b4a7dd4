export * from './exact-cache-key';
