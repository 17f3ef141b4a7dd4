/** Nest injection token of the shared ioredis client. */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');
export const REDIS_KEYS = Symbol('REDIS_KEYS');
