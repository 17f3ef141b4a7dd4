import { type UsageRecordedV1 } from '@gatehouse/jobs';
import { KeyLastUsedWriter } from './key-last-used.writer';

const used = (apiKeyId: string, occurredAt: string) => ({ apiKeyId, occurredAt }) as UsageRecordedV1;

describe('KeyLastUsedWriter (lastUsedAt written behind)', () => {
  afterEach(() => jest.useRealTimers());

  it('writes nothing per batch, then each key once per interval with its latest use', async () => {
    jest.useFakeTimers();
    const writes: Map<string, Date>[] = [];
    const writer = new KeyLastUsedWriter(
      {
        recordKeysLastUsed: (notes) => {
          writes.push(new Map(notes));
          return Promise.resolve();
        },
      },
      60_000,
    );
    writer.onModuleInit();
    for (let batch = 0; batch < 100; batch++) {
      writer.afterBatch([
        used('a', `2026-06-01T10:00:${String(batch % 60).padStart(2, '0')}.000Z`),
        used('b', '2026-06-01T09:00:00.000Z'),
      ]);
    }
    writer.afterBatch([used('a', '2026-06-01T09:59:00.000Z')]);
    expect(writes).toHaveLength(0);

    await jest.advanceTimersByTimeAsync(60_000);
    expect(writes).toEqual([
      new Map([
        ['a', new Date('2026-06-01T10:00:59.000Z')],
        ['b', new Date('2026-06-01T09:00:00.000Z')],
      ]),
    ]);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(writes).toHaveLength(1);
    await writer.onModuleDestroy();
  });

  it('keeps the notes of a failed write for the next one, and writes what is left at shutdown', async () => {
    let fail = true;
    const writes: Map<string, Date>[] = [];
    const writer = new KeyLastUsedWriter(
      {
        recordKeysLastUsed: (notes) => {
          if (fail) return Promise.reject(new Error('database down'));
          writes.push(new Map(notes));
          return Promise.resolve();
        },
      },
      60_000,
    );
    writer.afterBatch([used('a', '2026-06-01T10:00:00.000Z')]);
    await writer.flush();
    fail = false;
    writer.afterBatch([used('b', '2026-06-01T10:05:00.000Z')]);
    await writer.onModuleDestroy();
    expect(writes).toEqual([
      new Map([
        ['b', new Date('2026-06-01T10:05:00.000Z')],
        ['a', new Date('2026-06-01T10:00:00.000Z')],
      ]),
    ]);
  });
});
