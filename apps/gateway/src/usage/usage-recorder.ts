import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import {
  InvalidJobPayloadError,
  JobName,
  type JobProducer,
  type UsageBatchV1,
  usageBatchEnvelopeV1Schema,
  type UsageRecordedV1,
} from '@gatehouse/jobs';
import { type UsageSpool } from './usage-spool';

export interface UsageRecorderOptions {
  /** Events per `usage.batch` job (one queue round trip), at most. */
  batchSize: number;
  /** How long an event may wait for its batch to fill. */
  flushIntervalMs: number;
  /** How often the spool is offered back to the queue while it holds events. */
  replayIntervalMs: number;
  /** A queue write that has not answered by then counts as refused, and its batch is spooled. */
  enqueueTimeoutMs: number;
}

export const DEFAULT_USAGE_RECORDER_OPTIONS: UsageRecorderOptions = {
  batchSize: 200,
  flushIntervalMs: 50,
  replayIntervalMs: 2_000,
  enqueueTimeoutMs: 2_000,
};

/**
 * Turns each request's meter into one usage event, cheaply: events wait in memory for up to `flushIntervalMs` and
 * go to BullMQ as one `usage.batch` job per flush, in one round trip. When Redis refuses a batch (down, or too slow
 * to answer), the batch goes to the durable spool and is replayed, in order, once Redis takes writes again. A
 * batch's id, made at the flush, is its job id and is spooled with it, so a batch that reached Redis after all and
 * is replayed too is enqueued once; the worker's ingestion is idempotent on the request id besides.
 *
 * What is not on disk yet is at most one batch in memory (`flushIntervalMs`); a graceful shutdown flushes it.
 */
export class UsageRecorder {
  private readonly logger = new Logger(UsageRecorder.name);
  private buffer: UsageRecordedV1[] = [];
  /** Batches that neither Redis nor the disk took: kept whole (ids too), they go first at the next flush. */
  private unsent: UsageBatchV1[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly replayTimer: NodeJS.Timeout;
  private readonly settling = new Set<Promise<void>>();
  private readonly flushing = new Set<Promise<void>>();
  private replaying: Promise<void> | null = null;
  private outage = false;
  private closed = false;

  constructor(
    private readonly producer: JobProducer,
    private readonly spool: UsageSpool,
    private readonly options: UsageRecorderOptions = DEFAULT_USAGE_RECORDER_OPTIONS,
  ) {
    this.replayTimer = setInterval(() => void this.replaySpool(), options.replayIntervalMs).unref();
    if (spool.size > 0) void this.replaySpool();
  }

  /** Events on disk, waiting for Redis. */
  get spooled(): number {
    return this.spool.size;
  }

  /**
   * Holds `close()` until `work` has run: a request's end-of-request step, which records its event only once the
   * response is over and a stream's usage is known.
   */
  track(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) => this.logger.error({ err: error }, 'a usage event could not be built'))
      .finally(() => this.settling.delete(tracked));
    this.settling.add(tracked);
  }

  record(event: UsageRecordedV1): void {
    this.buffer.push(event);
    // flush() never rejects: a refused batch goes to the spool.
    if (this.buffer.length >= this.options.batchSize) {
      void this.flush();
    } else {
      this.flushTimer ??= setTimeout(() => void this.flush(), this.options.flushIntervalMs);
    }
  }

  /** Sends what is buffered now; resolves when it is in Redis or on disk. */
  flush(): Promise<void> {
    if (this.flushTimer !== null) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    if (this.buffer.length === 0 && this.unsent.length === 0) return Promise.resolve();
    const batches = this.unsent;
    this.unsent = [];
    if (this.buffer.length > 0) {
      batches.push({ version: 1, batchId: randomUUID(), events: this.buffer });
      this.buffer = [];
    }
    const done = this.send(batches).finally(() => this.flushing.delete(done));
    this.flushing.add(done);
    return done;
  }

  /**
   * For a graceful shutdown, after the HTTP server stopped taking requests and finished the open ones: waits for
   * the last events to be built, flushes them, and gives the spool one more chance.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.replayTimer);
    await Promise.allSettled([...this.settling]);
    await this.flush();
    await Promise.allSettled([...this.flushing]);
    if (this.spool.size > 0) await this.replaySpool();
    if (this.spool.size > 0) {
      this.logger.warn({ spooled: this.spool.size }, 'usage events stay in the spool for the next start');
    }
    this.spool.close();
  }

  private async send(batches: UsageBatchV1[]): Promise<void> {
    // While events wait on disk, new ones queue behind them, so that the queue receives them in order.
    if (this.spool.size > 0 && !this.closed) {
      await this.spool.append(batches);
      void this.replaySpool();
      return;
    }
    try {
      await this.enqueue(batches);
    } catch (error) {
      if (!(error instanceof InvalidJobPayloadError)) return this.spoolAfterFailure(batches, error);
      const wellFormed = this.dropMalformed(batches);
      if (wellFormed.length > 0 && wellFormed.length < batches.length) await this.send(wellFormed);
    }
  }

  /**
   * After the producer refused some of `batches` as malformed (their envelope only is checked, so a bug in the
   * gateway, never Redis's fault): logs each malformed one whole, for a fix and a manual replay, rather than spool
   * it to block the spool forever, and returns the others.
   */
  private dropMalformed(batches: UsageBatchV1[]): UsageBatchV1[] {
    return batches.filter((batch) => {
      const parsed = usageBatchEnvelopeV1Schema.safeParse(batch);
      if (!parsed.success) {
        this.logger.error({ batch, problems: parsed.error.issues }, 'a malformed usage batch was not queued');
      }
      return parsed.success;
    });
  }

  private async spoolAfterFailure(batches: UsageBatchV1[], error: unknown): Promise<void> {
    try {
      await this.spool.append(batches);
    } catch (spoolError) {
      // The disk refused too: the only place left is memory, until the next flush tries again.
      this.logger.error({ err: spoolError, events: eventCount(batches) }, 'usage events could not be spooled');
      this.unsent.unshift(...batches);
      return;
    }
    if (!this.outage) {
      this.outage = true;
      this.logger.warn(
        { err: error, spoolDirectory: this.spool.directory },
        'the usage queue refused events; spooling them to disk until Redis is back',
      );
    }
  }

  private replaySpool(): Promise<void> {
    if (this.spool.size === 0) return Promise.resolve();
    this.replaying ??= this.spool
      .replay((batch) => this.enqueueSpooled(batch), this.options.batchSize)
      .then((sent) => {
        if (this.outage && this.spool.size === 0) {
          this.outage = false;
          this.logger.log({ replayed: sent }, 'the usage queue is back; the spool is replayed');
        }
      })
      .catch(() => undefined) // Still refused: the next tick tries again.
      .finally(() => {
        this.replaying = null;
      });
    return this.replaying;
  }

  /** A spooled batch the producer refuses as malformed would refuse every replay: it is dropped, logged. */
  private async enqueueSpooled(batch: UsageBatchV1): Promise<void> {
    try {
      await this.enqueue([batch]);
    } catch (error) {
      if (!(error instanceof InvalidJobPayloadError)) throw error;
      this.dropMalformed([batch]);
    }
  }

  private enqueue(batches: UsageBatchV1[]): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the usage queue did not answer within ${this.options.enqueueTimeoutMs} ms`)),
        this.options.enqueueTimeoutMs,
      );
    });
    return Promise.race([
      this.producer.enqueueBulk(JobName.UsageBatch, batches, (batch) => batch.batchId),
      timeout,
    ]).finally(() => clearTimeout(timer));
  }
}

function eventCount(batches: readonly UsageBatchV1[]): number {
  return batches.reduce((count, batch) => count + batch.events.length, 0);
}
