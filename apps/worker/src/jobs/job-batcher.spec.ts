import { JobBatcher, type JobBatcherLimits } from './job-batcher';

/** Longer than the synchronous checks of a test take, and short enough to leave no timer behind it. */
const WAIT_MS = 20;

/** A batcher whose writes are recorded and end only when the test says so. */
function heldBatcher(limits: Partial<JobBatcherLimits>) {
  const writes: number[][] = [];
  const finishers: (() => void)[] = [];
  const batcher = new JobBatcher<number>(
    (items) => {
      writes.push(items);
      return new Promise<void>((resolve) => finishers.push(resolve));
    },
    { maxItems: 3, maxJobs: 100, maxWrites: 10, maxWaitMs: WAIT_MS, ...limits },
  );
  const finish = async (write: number) => {
    finishers[write]?.();
    // Let the write's callbacks run.
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { batcher, writes, finish };
}

describe('JobBatcher', () => {
  it('writes a full batch at once, and resolves its jobs only after the write', async () => {
    const { batcher, writes, finish } = heldBatcher({ maxItems: 3 });
    let settled = 0;
    const done = [[1], [2], [3]].map((items) => batcher.add(items).then(() => settled++));
    expect(writes).toEqual([[1, 2, 3]]);
    await Promise.resolve();
    expect(settled).toBe(0);
    await finish(0);
    await Promise.all(done);
    expect(settled).toBe(3);
  });

  it('writes a partial batch after maxWaitMs', async () => {
    const writes: number[][] = [];
    const batcher = new JobBatcher<number>(async (items) => void writes.push(items), {
      maxItems: 100,
      maxJobs: 100,
      maxWrites: 1,
      maxWaitMs: 10,
    });
    await Promise.all([batcher.add([1]), batcher.add([2, 3])]);
    expect(writes).toEqual([[1, 2, 3]]);
  });

  it('fills a write with whole jobs, and writes a job larger than a batch alone, unsplit', () => {
    const { batcher, writes } = heldBatcher({ maxItems: 4 });
    void batcher.add([1, 2]);
    void batcher.add([3, 4, 5]);
    void batcher.add([6, 7, 8, 9, 10, 11]);
    expect(writes).toEqual([
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10, 11],
    ]);
  });

  it('takes at most maxJobs jobs into one write', () => {
    const { batcher, writes } = heldBatcher({ maxItems: 100, maxJobs: 2 });
    for (const item of [1, 2, 3, 4, 5]) void batcher.add([item]);
    expect(writes).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('keeps at most maxWrites writes in flight, and starts the next when one ends', async () => {
    const { batcher, writes, finish } = heldBatcher({ maxItems: 1, maxWrites: 2 });
    const done = [1, 2, 3, 4].map((item) => batcher.add([item]));
    expect(writes).toEqual([[1], [2]]);
    await finish(1);
    expect(writes).toEqual([[1], [2], [3]]);
    await finish(0);
    await finish(2);
    await finish(3);
    await Promise.all(done);
    expect(writes).toEqual([[1], [2], [3], [4]]);
  });

  it('fails every job of a failed write, and the next write starts afresh', async () => {
    let fail = true;
    const batcher = new JobBatcher<number>(
      async () => {
        if (fail) throw new Error('deadlock');
      },
      { maxItems: 2, maxJobs: 2, maxWrites: 1, maxWaitMs: 10 },
    );
    const results = await Promise.allSettled([batcher.add([1]), batcher.add([2])]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(batcher.add([3])).resolves.toBeUndefined();
  });
});
