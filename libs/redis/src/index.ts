export * from './redis-client.factory';
export * from './redis-keys';
export * from './redis.constants';
export * from './redis.module';
export * from './redis-health.probe';
export * from './invalidation.publisher';
export * from './limits';
export * from './semantic-cache/hnsw-vector-index';
