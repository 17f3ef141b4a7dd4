export * from './subscriptions/subscription-status';
