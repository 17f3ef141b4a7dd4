export * from './subscriptions/subscription-status';
export * from './audit/audit-chain';
export * from './audit/strip-secrets';
