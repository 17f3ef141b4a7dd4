import { Module } from '@nestjs/common';
import { collectDefaultMetrics, register } from 'prom-client';
import { MetricsController } from './metrics.controller';

let defaultMetricsStarted = false;

/** `GET /metrics` with the process's default metrics (event loop lag, heap, GC) plus any an app registers. */
@Module({ controllers: [MetricsController] })
export class MetricsModule {
  constructor() {
    // prom-client's registry is process-wide; registering the defaults twice throws.
    if (!defaultMetricsStarted) {
      collectDefaultMetrics({ register });
      defaultMetricsStarted = true;
    }
  }
}
