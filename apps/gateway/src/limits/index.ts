export * from './limits.module';
export * from './request-limits.service';
