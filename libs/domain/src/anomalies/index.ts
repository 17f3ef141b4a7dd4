export * from './anomaly-detection';
