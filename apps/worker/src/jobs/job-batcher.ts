interface Waiting<T> {
  items: readonly T[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface JobBatcherLimits {
  /** A write takes waiting jobs, oldest first, until it holds this many items (a job is never split)... */
  maxItems: number;
  /** ...or this many jobs. */
  maxJobs: number;
  /** Writes in flight at once; a full write waits for one of them to end. */
  maxWrites: number;
  /** How long the oldest waiting job waits for its write to fill before it is written anyway. */
  maxWaitMs: number;
}

/**
 * Turns one-job-at-a-time processing into batched writes: `add` resolves when the write holding the job's items
 * has committed. BullMQ's open-source worker has no batch consumer, so the worker holds many jobs at once and each
 * job's processor awaits `add`. A job completes only after its write committed, so a crash loses nothing (its
 * lock expires and BullMQ redelivers it); a failed write fails each of its jobs, which BullMQ retries with backoff.
 *
 * A write starts once the waiting jobs fill it (`maxItems` or `maxJobs`) or `maxWaitMs` after the oldest of them,
 * whichever comes first. The worker must hold at least `maxJobs` jobs at once, or a write would wait for jobs that
 * BullMQ cannot hand over.
 */
export class JobBatcher<T> {
  private waiting: Waiting<T>[] = [];
  private waitingItems = 0;
  private writes = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The oldest waiting job has waited `maxWaitMs`: write what waits as soon as a write may start. */
  private overdue = false;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly limits: JobBatcherLimits,
  ) {}

  add(items: readonly T[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ items, resolve, reject });
      this.waitingItems += items.length;
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.overdue = true;
        this.startWrites();
      }, this.limits.maxWaitMs);
      this.startWrites();
    });
  }

  private startWrites(): void {
    while (this.writes < this.limits.maxWrites && this.waiting.length > 0 && (this.overdue || this.full())) {
      this.startWrite();
    }
    if (this.waiting.length === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.overdue = false;
    }
  }

  private full(): boolean {
    return this.waitingItems >= this.limits.maxItems || this.waiting.length >= this.limits.maxJobs;
  }

  private startWrite(): void {
    let jobs = 0;
    let items = 0;
    while (jobs < this.waiting.length && jobs < this.limits.maxJobs && items < this.limits.maxItems) {
      items += this.waiting[jobs]?.items.length ?? 0;
      jobs++;
    }
    const taken = this.waiting.splice(0, jobs);
    this.waitingItems -= items;
    this.writes++;
    this.write(taken.flatMap((job) => job.items))
      .then(
        () => taken.forEach((job) => job.resolve()),
        (error: unknown) => taken.forEach((job) => job.reject(error)),
      )
      .finally(() => {
        this.writes--;
        this.startWrites();
      });
  }
}
