import { JobBatcher } from './job-batcher';

describe('JobBatcher', () => {
  it('writes a full batch at once, and resolves its items only after the write', async () => {
    const writes: number[][] = [];
    let finish: () => void = () => undefined;
    const batcher = new JobBatcher<number>(
      (items) => {
        writes.push(items);
        return new Promise<void>((resolve) => (finish = resolve));
      },
      3,
      60_000,
    );
    let settled = 0;
    const done = [1, 2, 3].map((item) => batcher.add(item).then(() => settled++));
    expect(writes).toEqual([[1, 2, 3]]);
    await Promise.resolve();
    expect(settled).toBe(0);
    finish();
    await Promise.all(done);
    expect(settled).toBe(3);
  });

  it('writes a partial batch after maxWaitMs', async () => {
    const writes: number[][] = [];
    const batcher = new JobBatcher<number>(async (items) => void writes.push(items), 100, 10);
    await Promise.all([batcher.add(1), batcher.add(2)]);
    expect(writes).toEqual([[1, 2]]);
  });

  it('fails every item of a failed batch, and the next batch starts afresh', async () => {
    let fail = true;
    const batcher = new JobBatcher<number>(
      async () => {
        if (fail) throw new Error('deadlock');
      },
      2,
      10,
    );
    const results = await Promise.allSettled([batcher.add(1), batcher.add(2)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(batcher.add(3)).resolves.toBeUndefined();
  });
});
