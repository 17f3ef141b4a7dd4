import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir, open, readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { type UsageRecordedV1 } from '@gatehouse/jobs';

const SEGMENT = /^usage-(\d+)-(\d+)\.jsonl$/;
const LOCK_FILE = 'gateway.lock';

export class SpoolLockedError extends Error {
  constructor(directory: string, pid: number) {
    super(
      `The usage spool ${directory} is in use by process ${pid}. Give every gateway instance its own ` +
        'GATEWAY_USAGE_SPOOL_DIR.',
    );
    this.name = 'SpoolLockedError';
  }
}

/**
 * Usage events that Redis refused, on disk until it takes them again (never drop one).
 *
 * Events are appended as JSON lines to numbered segment files, each write flushed to disk (`fsync`) before it
 * counts as spooled. A replay seals the current segment (later appends start a new one), sends the sealed ones
 * oldest first and deletes each only after the queue accepted all of it; a crash in between replays that segment
 * again, which the queue's job ids and the worker's idempotent ingestion absorb. One gateway process owns the
 * directory (a lock file with its pid); a stale lock of a dead process is taken over.
 */
export class UsageSpool {
  private segment = 0;
  private readonly generation = Date.now();
  /** Appends and replays run one at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private pending = 0;

  private constructor(readonly directory: string) {}

  static async open(directory: string): Promise<UsageSpool> {
    await mkdir(directory, { recursive: true });
    acquireLock(directory);
    const spool = new UsageSpool(directory);
    spool.pending = await spool.countSpooled();
    return spool;
  }

  /** Events on disk, not yet replayed. */
  get size(): number {
    return this.pending;
  }

  append(events: readonly UsageRecordedV1[]): Promise<void> {
    return this.serialised(async () => {
      if (events.length === 0) return;
      const file = path.join(this.directory, `usage-${this.generation}-${this.segment}.jsonl`);
      const handle = await open(file, 'a');
      try {
        await handle.appendFile(events.map((event) => `${JSON.stringify(event)}\n`).join(''));
        await handle.sync();
      } finally {
        await handle.close();
      }
      this.pending += events.length;
    });
  }

  /**
   * Sends every spooled event through `send`, in batches of `batchSize`, oldest segment first. Stops at the first
   * failure, leaving that segment and the later ones for the next replay. Returns how many events were sent.
   */
  replay(send: (events: UsageRecordedV1[]) => Promise<void>, batchSize: number): Promise<number> {
    return this.serialised(async () => {
      this.segment += 1;
      let sent = 0;
      for (const file of await this.segments()) {
        const events = parseSegment(await readFile(file, 'utf8'));
        for (let start = 0; start < events.length; start += batchSize) {
          await send(events.slice(start, start + batchSize));
        }
        await unlink(file);
        sent += events.length;
        this.pending = Math.max(0, this.pending - events.length);
      }
      return sent;
    });
  }

  /** Releases the directory for the next process. */
  close(): void {
    try {
      unlinkSync(path.join(this.directory, LOCK_FILE));
    } catch {
      // Already gone: nothing to release.
    }
  }

  private async segments(): Promise<string[]> {
    const names = (await readdir(this.directory))
      .map((name) => ({ name, match: SEGMENT.exec(name) }))
      .filter((entry): entry is { name: string; match: RegExpExecArray } => entry.match !== null)
      .sort((a, b) => Number(a.match[1]) - Number(b.match[1]) || Number(a.match[2]) - Number(b.match[2]));
    return names.map((entry) => path.join(this.directory, entry.name));
  }

  private async countSpooled(): Promise<number> {
    let count = 0;
    for (const file of await this.segments()) count += parseSegment(await readFile(file, 'utf8')).length;
    return count;
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/**
 * The events of a segment. A line cut short by a crash mid-write (it can only be the last one, and its write was
 * never acknowledged) is skipped rather than blocking the spool forever.
 */
function parseSegment(text: string): UsageRecordedV1[] {
  const events: UsageRecordedV1[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      events.push(JSON.parse(line) as UsageRecordedV1);
    } catch {
      // A torn last line: see above.
    }
  }
  return events;
}

function acquireLock(directory: string): void {
  const lock = path.join(directory, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(readFileSync(lock, 'utf8'), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
        throw new SpoolLockedError(directory, owner);
      }
      // A stale lock (its process is gone, or it is ours from before): take it over.
      unlinkSync(lock);
    }
  }
  throw new Error(`Could not lock the usage spool ${directory}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
