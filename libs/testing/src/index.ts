export * from './test-redis';
export * from './test-database';
export * from './healthz-contract';
export * from './eventually';
export * from './tcp-proxy';
export * from './app-process';
