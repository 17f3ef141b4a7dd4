export * from './queues';
export * from './job-definitions';
export * from './job-producer';
export * from './usage/usage-recorded.job';
export * from './alerts/alert-jobs';
export * from './maintenance/maintenance-jobs';
