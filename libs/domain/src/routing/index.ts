export * from './backoff';
export * from './circuit-breaker';
export * from './retry-after';
export * from './retryable-status';
export * from './weighted-order';
