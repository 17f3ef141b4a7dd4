import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { type WorkerConfig } from '@gatehouse/config';
import { type SiemExportRepository } from '@gatehouse/db';
import { type OutboundGuard } from '@gatehouse/egress';
import { SiemExporter } from './siem-exporter';
import { SiemMetrics } from './siem-metrics';
import { HttpSiemSink, type SiemSink, SyslogSiemSink } from './siem-sinks';
import { siemStream } from './siem-streams';

/** The sinks `SIEM_HTTP_URL` and `SIEM_SYSLOG_URL` configure; none when neither is set. */
export function configuredSiemSinks(config: WorkerConfig['siem']): SiemSink[] {
  const guard: OutboundGuard = { policy: { allowLoopback: config.allowLoopback } };
  const sinks: SiemSink[] = [];
  if (config.http) sinks.push(new HttpSiemSink({ ...config.http, guard }));
  if (config.syslogUrl) sinks.push(new SyslogSiemSink(new URL(config.syslogUrl), guard));
  return sinks;
}

/**
 * One exporter per configured sink and stream (`SIEM_STREAMS`), polling from the moment the app has booted until it
 * shuts down. With no sink configured nothing runs and no SIEM metric is registered.
 */
export class SiemExporters implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SiemExporters.name);
  private readonly exporters: SiemExporter[];
  private readonly metrics: SiemMetrics | null;

  constructor(repository: SiemExportRepository, config: WorkerConfig['siem']) {
    const options = {
      batchSize: config.batchSize,
      intervalMs: config.intervalMs,
      maxRetryDelayMs: config.maxRetryDelayMs,
      logger: this.logger,
    };
    // Each stream gets sinks of its own (their connections too), so that stopping one exporter closes only its sink.
    const exporters = config.streams.flatMap((stream) =>
      configuredSiemSinks(config).map((sink) => ({ stream: siemStream(stream, repository), sink })),
    );
    const metrics = exporters.length > 0 ? new SiemMetrics() : null;
    this.metrics = metrics;
    this.exporters = metrics
      ? exporters.map(({ stream, sink }) => new SiemExporter(repository, stream, sink, metrics, options))
      : [];
  }

  onApplicationBootstrap(): void {
    for (const exporter of this.exporters) exporter.start();
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.exporters.map((exporter) => exporter.stop()));
    this.metrics?.unregister();
  }
}
