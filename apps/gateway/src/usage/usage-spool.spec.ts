import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type UsageBatchV1, type UsageRecordedV1 } from '@gatehouse/jobs';
import { UsageSpool } from './usage-spool';

function usageEvent(requestId: string): UsageRecordedV1 {
  return {
    version: 1,
    requestId,
    occurredAt: '2026-06-01T10:15:30.000Z',
    tenantId: randomUUID(),
    apiKeyId: randomUUID(),
    subscriptionId: null,
    productId: null,
    model: 'demo-chat',
    providerId: null,
    upstreamModel: null,
    endpoint: 'chat.completions',
    statusCode: 200,
    errorCode: null,
    latencyMs: 12,
    timeToFirstByteMs: 9,
    inputTokens: 10,
    outputTokens: 20,
    cachedTokens: 0,
    usageSource: 'upstream',
    streamed: false,
    cacheHit: false,
    policyActions: [],
  };
}

const batchOf = (...requestIds: string[]): UsageBatchV1 => ({
  version: 1,
  batchId: randomUUID(),
  events: requestIds.map(usageEvent),
});

describe('UsageSpool (a real directory)', () => {
  let directory: string;
  let spool: UsageSpool | undefined;

  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'gatehouse-spool-'));
  });

  afterEach(() => {
    spool?.close();
    spool = undefined;
    rmSync(directory, { recursive: true, force: true });
  });

  const segments = () => readdirSync(directory).filter((name) => name.endsWith('.jsonl'));

  it('replays each batch whole, under its id, in order, and deletes what the queue took', async () => {
    spool = await UsageSpool.open(directory);
    const batches = [batchOf('a1', 'a2'), batchOf('b1'), batchOf('c1', 'c2', 'c3')];
    await spool.append(batches.slice(0, 2));
    await spool.append(batches.slice(2));
    expect(spool.size).toBe(6);

    const sent: UsageBatchV1[] = [];
    expect(await spool.replay(async (batch) => void sent.push(batch), 200)).toBe(6);
    expect(sent).toEqual(batches);
    expect(spool.size).toBe(0);
    expect(segments()).toEqual([]);
  });

  it('keeps a segment the queue refused, and replays it again as the same batches', async () => {
    spool = await UsageSpool.open(directory);
    const batches = [batchOf('a1'), batchOf('b1')];
    await spool.append(batches);
    let calls = 0;
    await expect(
      spool.replay(async () => {
        if (++calls === 2) throw new Error('Redis is away');
      }, 200),
    ).rejects.toThrow('Redis is away');
    expect(spool.size).toBe(2);
    expect(segments()).toHaveLength(1);

    const sent: string[] = [];
    await spool.replay(async (batch) => void sent.push(batch.batchId), 200);
    expect(sent).toEqual(batches.map((batch) => batch.batchId));
  });

  it("replays a previous version's segment (one event per line) in batches, whose ids a repeated replay keeps", async () => {
    const legacy = ['old-1', 'old-2', 'old-3', 'old-4', 'old-5'].map(usageEvent);
    const lines = legacy.map((event) => `${JSON.stringify(event)}\n`).join('');
    // The last line torn by a crash mid-write: skipped.
    writeFileSync(path.join(directory, 'usage-1000-0.jsonl'), `${lines}{"version":1,"requestId":"to`);
    spool = await UsageSpool.open(directory);
    expect(spool.size).toBe(5);

    const replayOnce = async () => {
      const sent: UsageBatchV1[] = [];
      await expect(
        spool?.replay(async (batch) => {
          sent.push(batch);
          throw new Error('stop before the segment is deleted');
        }, 2),
      ).rejects.toThrow();
      return sent[0];
    };
    const first = await replayOnce();
    expect(await replayOnce()).toEqual(first);

    const sent: UsageBatchV1[] = [];
    expect(await spool.replay(async (batch) => void sent.push(batch), 2)).toBe(5);
    expect(sent.map((batch) => batch.events.map((event) => event.requestId))).toEqual([
      ['old-1', 'old-2'],
      ['old-3', 'old-4'],
      ['old-5'],
    ]);
    expect(sent[0]).toEqual(first);
    expect(new Set(sent.map((batch) => batch.batchId)).size).toBe(3);
    for (const batch of sent) expect(batch.batchId).toMatch(/^[A-Za-z0-9._-]{1,128}$/);
  });
});
