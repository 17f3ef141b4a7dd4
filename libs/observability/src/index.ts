export * from './health/health-probe';
export * from './health/health.module';
export * from './logging/logger.module';
export * from './metrics/bounded-label';
export * from './metrics/metric-families';
export * from './metrics/metrics-server';
export * from './metrics/metrics.module';
export * from './http/public-route.decorator';
