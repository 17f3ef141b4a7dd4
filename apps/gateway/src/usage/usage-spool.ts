import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir, open, readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { type UsageBatchV1, type UsageRecordedV1 } from '@gatehouse/jobs';

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
 * Usage batches that Redis refused, on disk until it takes them again (never drop one).
 *
 * Batches are appended as JSON lines, one `usage.batch` payload (id included) per line, to numbered segment files,
 * each write flushed to disk (`fsync`) before it counts as spooled. A replay seals the current segment (later
 * appends start a new one), sends the sealed ones oldest first, batch by batch, and deletes each only after the
 * queue accepted all of it; a crash in between replays that segment again, as the same jobs, which the queue's job
 * ids and the worker's idempotent ingestion absorb. Segments of a gateway of the previous version hold one event
 * per line: they are replayed in batches too. One gateway process owns the directory (a lock file with its pid); a
 * stale lock of a dead process is taken over.
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

  append(batches: readonly UsageBatchV1[]): Promise<void> {
    return this.serialised(async () => {
      if (batches.length === 0) return;
      const file = path.join(this.directory, `usage-${this.generation}-${this.segment}.jsonl`);
      const handle = await open(file, 'a');
      try {
        await handle.appendFile(batches.map((batch) => `${JSON.stringify(batch)}\n`).join(''));
        await handle.sync();
      } finally {
        await handle.close();
      }
      this.pending += eventCount(batches);
    });
  }

  /**
   * Sends every spooled batch through `send`, oldest segment first. Stops at the first failure, leaving that
   * segment and the later ones for the next replay. Returns how many events were sent. `legacyBatchSize`: events
   * per batch for the single events of a previous version's segments.
   */
  replay(send: (batch: UsageBatchV1) => Promise<void>, legacyBatchSize: number): Promise<number> {
    return this.serialised(async () => {
      this.segment += 1;
      let sent = 0;
      for (const file of await this.segments()) {
        const batches = parseSegment(await readFile(file, 'utf8'), legacyBatchSize);
        for (const batch of batches) await send(batch);
        await unlink(file);
        const events = eventCount(batches);
        sent += events;
        this.pending = Math.max(0, this.pending - events);
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
    for (const file of await this.segments()) {
      // How a previous version's events would be grouped does not change their count.
      count += eventCount(parseSegment(await readFile(file, 'utf8'), Number.POSITIVE_INFINITY));
    }
    return count;
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/**
 * The batches of a segment, in order. A line cut short by a crash mid-write (it can only be the last one, and its
 * write was never acknowledged) is skipped rather than blocking the spool forever. A previous version's single
 * events are grouped, `legacyBatchSize` at most, under an id made of their request ids, so that a replay repeated
 * after a crash makes the same jobs.
 */
function parseSegment(text: string, legacyBatchSize: number): UsageBatchV1[] {
  const batches: UsageBatchV1[] = [];
  let legacy: UsageRecordedV1[] = [];
  const endLegacyBatch = () => {
    if (legacy.length === 0) return;
    const digest = createHash('sha256');
    for (const event of legacy) digest.update(`${event.requestId}\n`);
    batches.push({ version: 1, batchId: `spooled-${digest.digest('hex').slice(0, 32)}`, events: legacy });
    legacy = [];
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let entry: UsageBatchV1 | UsageRecordedV1;
    try {
      entry = JSON.parse(line) as UsageBatchV1 | UsageRecordedV1;
    } catch {
      continue; // A torn last line: see above.
    }
    if ('events' in entry) {
      endLegacyBatch();
      batches.push(entry);
    } else {
      legacy.push(entry);
      if (legacy.length >= legacyBatchSize) endLegacyBatch();
    }
  }
  endLegacyBatch();
  return batches;
}

function eventCount(batches: readonly UsageBatchV1[]): number {
  return batches.reduce((count, batch) => count + batch.events.length, 0);
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
