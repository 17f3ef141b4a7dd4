import { type SiemExportRepository } from '@gatehouse/db';
import { type SiemMetrics } from './siem-metrics';
import { type SiemSink } from './siem-sinks';
import { type SiemStream } from './siem-streams';

export interface SiemExporterOptions {
  /** Entries (audit events, calls) read and sent per batch. */
  batchSize: number;
  /** Pause between passes once the sink has everything; also the first retry delay after a failure. */
  intervalMs: number;
  /** The longest wait between retries (the delay doubles per failure up to this). */
  maxRetryDelayMs: number;
  logger?: { warn(message: string): void };
  clock?: () => number;
}

/** What a pass did: how many entries the sink acknowledged, and whether a full batch suggests more are waiting. */
export interface ExportPass {
  exported: number;
  more: boolean;
}

/**
 * Exports one stream (the audit trail, or the recorded calls) to one sink, at least once: a pass reads the batch
 * after the cursor of the sink's stream, sends it, and moves the cursor only after the sink acknowledged it; a failed
 * batch is sent again (whole) after a backoff, so a receiver may see a record twice only when an acknowledgement was
 * lost, and dedupes by the record's id. A pass holds the lock of the sink's stream, so replicas of the worker take
 * turns instead of sending the same batch.
 */
export class SiemExporter {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private failures = 0;
  private readonly clock: () => number;

  constructor(
    private readonly repository: SiemExportRepository,
    private readonly stream: SiemStream,
    private readonly sink: SiemSink,
    private readonly metrics: SiemMetrics,
    private readonly options: SiemExporterOptions,
  ) {
    this.clock = options.clock ?? Date.now;
  }

  /** Starts the polling loop; the first pass runs at once. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling, waits for the pass in flight, and closes the sink's connections. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await this.sink.close();
  }

  /**
   * One batch: resolves with what was exported, or null when another replica holds the sink's lock. Throws when the
   * sink did not acknowledge the batch (the cursor stays where it was).
   */
  async exportBatch(): Promise<ExportPass | null> {
    const stream = this.stream.name;
    const labels = { sink: this.sink.name, stream };
    return this.repository.withSinkLock(this.sink.name, stream, async (tx) => {
      const position = await this.repository.cursor(tx, this.sink.name, stream);
      const batch = await this.stream.read(tx, position, this.options.batchSize);
      if (batch.position === null || batch.oldest === null) {
        this.metrics.lag.set(labels, 0);
        return { exported: 0, more: false };
      }
      this.metrics.lag.set(labels, Math.max(0, this.clock() - batch.oldest.getTime()) / 1000);
      try {
        await this.sink.send(batch.records);
      } catch (error) {
        this.metrics.failures.inc(labels);
        throw error;
      }
      await this.repository.saveCursor(tx, this.sink.name, stream, batch.position);
      this.metrics.exported.inc(labels, batch.records.length);
      const more = batch.entries === this.options.batchSize;
      if (!more) this.metrics.lag.set(labels, 0);
      return { exported: batch.entries, more };
    });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.pass().finally(() => {
        this.running = null;
      });
    }, delayMs);
  }

  private async pass(): Promise<void> {
    try {
      const result = await this.exportBatch();
      this.failures = 0;
      this.schedule(result?.more ? 0 : this.options.intervalMs);
    } catch (error) {
      this.failures += 1;
      const delay = Math.min(this.options.intervalMs * 2 ** (this.failures - 1), this.options.maxRetryDelayMs);
      this.options.logger?.warn(
        `SIEM export of ${this.stream.name} to ${this.sink.name} failed (attempt ${this.failures}, next in ${delay} ms): ${describe(error)}`,
      );
      this.schedule(delay);
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 500) : String(error);
}
