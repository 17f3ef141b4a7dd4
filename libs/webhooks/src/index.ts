export * from './retry-schedule';
export * from './webhook-sender';
