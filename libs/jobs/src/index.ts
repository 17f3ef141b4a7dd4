export * from './queues';
export * from './job-definitions';
export * from './job-producer';
export * from './usage/usage-recorded.job';
