interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Turns one-job-at-a-time processing into batches: `add` resolves when the batch holding the item has been
 * written. BullMQ's open-source worker has no batch consumer, so the worker runs `size × batches` jobs
 * concurrently and each job's processor awaits `add`: a batch is written when `size` items are waiting or
 * `maxWaitMs` after its first one, whichever comes first. A job completes only after its batch committed, so
 * a crash loses nothing (its jobs' locks expire and BullMQ redelivers them); a failed batch fails each of its
 * jobs, which BullMQ retries with backoff.
 */
export class JobBatcher<T> {
  private pending: Pending<T>[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly size: number,
    private readonly maxWaitMs: number,
  ) {}

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.size) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.maxWaitMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending.splice(0, this.pending.length);
    if (batch.length === 0) return;
    this.write(batch.map((entry) => entry.item)).then(
      () => batch.forEach((entry) => entry.resolve()),
      (error: unknown) => batch.forEach((entry) => entry.reject(error)),
    );
  }
}
