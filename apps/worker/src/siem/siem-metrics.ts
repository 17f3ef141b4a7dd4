import { Counter, Gauge, register, type Registry } from 'prom-client';

const LAG = 'gatehouse_siem_export_lag_seconds';
const EXPORTED = 'gatehouse_siem_events_exported_total';
const FAILURES = 'gatehouse_siem_export_failures_total';
const LABELS = ['sink', 'stream'] as const;

/** The SIEM exporters' metrics on the worker's `/metrics`; labelled by sink and stream, a handful of series in all. */
export class SiemMetrics {
  readonly lag = new Gauge({
    name: LAG,
    help: 'Age of the oldest record the sink has not acknowledged yet (0 when it has them all), per sink and stream.',
    labelNames: LABELS,
    registers: [],
  });
  readonly exported = new Counter({
    name: EXPORTED,
    help: 'Records acknowledged by the sink, per sink and stream (a record sent again after a failure counts again).',
    labelNames: LABELS,
    registers: [],
  });
  readonly failures = new Counter({
    name: FAILURES,
    help: 'Batches the sink did not acknowledge (error, timeout, non-2xx), per sink and stream.',
    labelNames: LABELS,
    registers: [],
  });

  constructor(private readonly registry: Registry = register) {
    // The registry is the process's: a worker app started again in the same process (tests) takes the names over.
    for (const metric of this.metrics()) {
      registry.removeSingleMetric(metric.name);
      registry.registerMetric(metric.metric);
    }
  }

  /** Unregisters these metrics unless a newer instance has taken their names. */
  unregister(): void {
    for (const metric of this.metrics()) {
      if (this.registry.getSingleMetric(metric.name) === metric.metric) this.registry.removeSingleMetric(metric.name);
    }
  }

  private metrics() {
    return [
      { name: LAG, metric: this.lag },
      { name: EXPORTED, metric: this.exported },
      { name: FAILURES, metric: this.failures },
    ];
  }
}
