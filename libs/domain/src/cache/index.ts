export * from './exact-cache-key';
export * from './semantic-guards';
