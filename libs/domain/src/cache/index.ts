export * from './exact-cache-key';
export * from './semantic-guards';
export * from './semantic-accuracy';
export * from './semantic-fixture';
export * from './vector-index';
export * from './cached-answer';
