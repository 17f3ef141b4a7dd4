export * from './queues';
export * from './job-definitions';
export * from './job-producer';
export * from './usage/usage-recorded.job';
export * from './usage/usage-batch.job';
export * from './usage/queued-usage-events';
export * from './alerts/alert-jobs';
export * from './maintenance/maintenance-jobs';
