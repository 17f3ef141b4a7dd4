export * from './calendar-period';
export * from './pricing';
export * from './rate-limit-headers';
export * from './token-bucket';
export * from './token-estimate';
