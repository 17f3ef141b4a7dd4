export * from './deny-list';
