/**
 * What the exact cache's store costs per request on the real Redis: a lookup that hits (one EVALSHA, then opening the
 * AES-GCM entry and parsing it), one that misses, a write (sealing, the put script with its eviction), and a bare
 * PING as the round trip's floor, one at a time (latency) and 64 in flight (throughput). The entries are a chat
 * completion of `--answer-bytes` characters, a tenant holding `--entries` of them. Uses its own key prefix and
 * removes its keys after.
 *
 *   npx tsx bench/exact-cache.bench.ts [--entries 2000] [--answer-bytes 2000] [--samples 5000]
 */
import { DEFAULT_REDIS_URL } from '@gatehouse/config';
import { type CachedAnswer, cachedOpenAiChat, callLogKeyring } from '@gatehouse/domain';
import { createHotPathRedisClient, type ExactCacheScope, ExactResponseStore, RedisKeys } from '@gatehouse/redis';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '2000' },
    'answer-bytes': { type: 'string', default: '2000' },
    samples: { type: 'string', default: '5000' },
  },
});
const ENTRIES = Number(values.entries);
const ANSWER_BYTES = Number(values['answer-bytes']);
const SAMPLES = Number(values.samples);
const IN_FLIGHT = 64;

function answer(seed: number): CachedAnswer {
  const words = 'the quick brown fox jumps over a lazy dog while Paris sleeps under 42 stars '.repeat(
    Math.ceil(ANSWER_BYTES / 70),
  );
  return cachedOpenAiChat({
    id: `chatcmpl-${seed}`,
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'gpt-4o-mini',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: words.slice(0, ANSWER_BYTES), refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 120, completion_tokens: 480, total_tokens: 600 },
  });
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

/** Latency one at a time (µs p50/p99) and operations a second with `IN_FLIGHT` in flight. */
async function measure(operation: (index: number) => Promise<unknown>): Promise<string[]> {
  const latencies: number[] = [];
  for (let index = 0; index < SAMPLES; index++) {
    const started = process.hrtime.bigint();
    await operation(index);
    latencies.push(Number(process.hrtime.bigint() - started) / 1_000);
  }
  latencies.sort((a, b) => a - b);
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < SAMPLES) await operation(next++);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return [
    percentile(latencies, 0.5).toFixed(0),
    percentile(latencies, 0.99).toFixed(0),
    Math.round(SAMPLES / seconds).toLocaleString('en'),
  ];
}

async function main(): Promise<void> {
  const prefix = `bench-exact-cache-${randomBytes(4).toString('hex')}`;
  const client = createHotPathRedisClient(process.env['REDIS_URL'] ?? DEFAULT_REDIS_URL, 'exact-cache-bench');
  const keyring = callLogKeyring({ version: 1, key: randomBytes(32).toString('base64') });
  const store = new ExactResponseStore(client, new RedisKeys(prefix), {
    keyring,
    maxBytesPerTenant: 1 << 30,
    getTimeoutMs: 1_000,
  });
  const scope: ExactCacheScope = { tenantId: 'bench-tenant', keyId: null, model: 'demo-chat' };
  const keys = Array.from({ length: ENTRIES }, () => randomBytes(32).toString('hex'));
  try {
    if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
    for (const [index, key] of keys.entries()) {
      const lookup = await store.get(scope, key);
      if (lookup.hit) throw new Error('unexpected hit');
      const outcome = await store.put(scope, key, answer(index), { ttlSeconds: 600, generation: lookup.generation });
      if (outcome !== 'written') throw new Error(`put: ${outcome}`);
    }
    const entryBytes = await client.strlen(store.tenantKeys(scope.tenantId).entryPrefix + (keys[0] ?? ''));
    const rows = [
      ['PING (the round trip)', ...(await measure(() => client.ping()))],
      [
        'get, hit',
        ...(await measure(async (index) => {
          const lookup = await store.get(scope, keys[index % ENTRIES] ?? '');
          if (!lookup.hit) throw new Error('expected a hit');
        })),
      ],
      ['get, miss', ...(await measure(() => store.get(scope, `absent-${randomBytes(8).toString('hex')}`)))],
      [
        'put (new key)',
        ...(await measure(async (index) => {
          const outcome = await store.put(scope, `more-${index}-${randomBytes(4).toString('hex')}`, answer(index), {
            ttlSeconds: 600,
            generation: '0.0.0',
          });
          if (outcome !== 'written') throw new Error(`put: ${outcome}`);
        })),
      ],
    ];
    console.log(
      `exact cache store: ${ENTRIES.toLocaleString('en')} entries of ${entryBytes.toLocaleString('en')} bytes ` +
        `(an answer of ${ANSWER_BYTES} characters, sealed), ${SAMPLES} samples, ${IN_FLIGHT} in flight for throughput\n`,
    );
    console.log('| operation | µs p50 | µs p99 | per second, 64 in flight |');
    console.log('| --- | ---: | ---: | ---: |');
    for (const row of rows) console.log(`| ${row.join(' | ')} |`);
    console.log(`\ncounters: ${JSON.stringify(store.counters())}`);
  } finally {
    let cursor = '0';
    do {
      const [nextCursor, found] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = nextCursor;
      if (found.length > 0) await client.del(...found);
    } while (cursor !== '0');
    client.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
