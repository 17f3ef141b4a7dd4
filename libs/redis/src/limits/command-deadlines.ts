import { LimitsTimeoutError } from './limits.errors';

interface Waiting {
  deadline: number;
  reject: (error: Error) => void;
  done: boolean;
}

/** Settled entries at the head of the queue past which it is compacted. */
const COMPACT_AFTER = 1_024;

/**
 * Bounds how long a Redis command may take on the request path, with one timer for all of them. Every command
 * gets the same timeout, so deadlines come in the order commands were sent: a queue swept by a single timer
 * replaces a timer and a race of promises per command (measurable at thousands of requests a second).
 */
export class CommandDeadlines {
  private readonly queue: Waiting[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly timeoutMs: number) {}

  /** The command's answer, or `LimitsTimeoutError` once the timeout has passed without one. */
  within<T>(command: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiting: Waiting = { deadline: Date.now() + this.timeoutMs, reject, done: false };
      this.queue.push(waiting);
      // A command that lost to its deadline may still fail later: it was already answered as a timeout.
      command.then(
        (value) => {
          waiting.done = true;
          resolve(value);
        },
        (error: unknown) => {
          waiting.done = true;
          reject(error as Error);
        },
      );
      this.arm();
    });
  }

  private arm(): void {
    const next = this.queue[this.head];
    if (this.timer !== null || next === undefined) return;
    this.timer = setTimeout(() => this.sweep(), Math.max(0, next.deadline - Date.now()));
    this.timer.unref();
  }

  private sweep(): void {
    this.timer = null;
    const now = Date.now();
    for (let next = this.queue[this.head]; next !== undefined; next = this.queue[this.head]) {
      if (!next.done && next.deadline > now) break;
      if (!next.done) {
        next.done = true;
        next.reject(new LimitsTimeoutError(this.timeoutMs));
      }
      this.head += 1;
    }
    if (this.head >= COMPACT_AFTER || this.head === this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.arm();
  }
}
