/**
 * What relabelling a non-streamed JSON answer costs the gateway, per call, in process: the whole body parsed and
 * serialised again (what the relay did: decode, `JSON.parse`, set `model`, `JSON.stringify`, usage read from the
 * parsed object) against `jsonAnswerUnderAlias` (one validating pass over the bytes, the model's value spliced
 * out, only `usage` parsed). Bodies: an OpenAI chat answer and embeddings answers of 1 and 8 vectors of 1,536
 * floats, made by the mock-provider's own generator.
 *
 *   node --expose-gc --max-semi-space-size=64 --min-semi-space-size=64 --import tsx bench/support/json-answer-cost.ts
 *
 * CPU time per call: the two ways run in alternating rounds of the same process (same machine state for both),
 * each round measured with `process.cpuUsage` (time the process spent waiting for a shared core is not counted);
 * the median round is reported. Bytes allocated per call: heap and array-buffer growth over calls made between two
 * full collections, with a young generation large enough that no collection runs in between (checked: a run that
 * saw one is repeated with fewer calls). Prints a Markdown table.
 *
 * Instructions per call, which other work on the machine cannot move: `--way parse-and-stringify|single-pass
 * --body chat|embeddings-1|embeddings-8 --calls N` only makes N calls; run it under callgrind for two N and divide
 * the difference of the totals by the difference of the N (startup cancels out):
 *
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null --smc-check=all-non-file \
 *     node --single-threaded --import tsx bench/support/json-answer-cost.ts --way single-pass --body chat --calls 2000
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { generateEmbedding } from '../../apps/mock-provider/src/simulation/embedding-generator';
import { jsonAnswerUnderAlias } from '../../apps/gateway/src/pipeline/protocols/json-answer';
import { usageOfResponseBody } from '../../apps/gateway/src/pipeline/protocols/usage-of-response';

type Relabel = (body: Buffer) => unknown;

const ALIAS = 'demo-chat';
const ROUNDS = 21;
const WARM_UP_CALLS = 2_000;
/** Bytes a round should process, so that a round of small bodies lasts as long as one of large ones. */
const BYTES_PER_ROUND = 8 * 1024 * 1024;

/** What the relay did before: the whole answer decoded, parsed, relabelled and written again. */
const parseAndStringify: Relabel = (body) => {
  const payload = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  const usage = usageOfResponseBody('openai', payload);
  if ('model' in payload) payload.model = ALIAS;
  return [JSON.stringify(payload), usage];
};

const singlePass: Relabel = (body) => jsonAnswerUnderAlias(body, ALIAS, 'openai');

function chatAnswer(): Buffer {
  const content = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
  return Buffer.from(
    JSON.stringify({
      id: 'chatcmpl-bench',
      object: 'chat.completion',
      created: 1764200000,
      model: 'mock-chat',
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: 19,
        completion_tokens: 60,
        total_tokens: 79,
        prompt_tokens_details: { cached_tokens: 0 },
      },
      system_fingerprint: 'fp_mock',
    }),
  );
}

function embeddingsAnswer(vectors: number): Buffer {
  return Buffer.from(
    JSON.stringify({
      object: 'list',
      data: Array.from({ length: vectors }, (_, index) => ({
        object: 'embedding',
        index,
        embedding: Array.from(generateEmbedding('text-embedding-3-small', `input ${index}`, 1536)),
      })),
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 8 * vectors, total_tokens: 8 * vectors },
    }),
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Median µs of CPU per call over alternating rounds of the two ways. */
function timePerCall(body: Buffer, ways: Relabel[]): number[] {
  const calls = Math.max(20, Math.round(BYTES_PER_ROUND / body.length));
  for (const way of ways) for (let i = 0; i < WARM_UP_CALLS; i++) way(body);
  const rounds: number[][] = ways.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    ways.forEach((way, index) => {
      const started = process.cpuUsage();
      for (let i = 0; i < calls; i++) way(body);
      const used = process.cpuUsage(started);
      rounds[index]?.push((used.user + used.system) / calls);
    });
  }
  return rounds.map(median);
}

/** Collection entries reach the observer later than the next turn of the event loop: a timer later. */
function settled(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 20));
}

/** Bytes allocated per call (heap and buffers), measured between full collections with none in between. */
async function bytesPerCall(body: Buffer, way: Relabel, gc: () => void, collections: () => number): Promise<number> {
  let calls = Math.max(10, Math.round((16 * 1024 * 1024) / (body.length * 4)));
  for (;;) {
    const kept: unknown[] = new Array(calls);
    gc();
    gc();
    await settled();
    const seen = collections();
    const before = process.memoryUsage();
    for (let i = 0; i < calls; i++) kept[i] = way(body);
    const after = process.memoryUsage();
    await settled();
    if (collections() === seen) {
      const grown = after.heapUsed - before.heapUsed + (after.arrayBuffers - before.arrayBuffers);
      // The `kept` array's slots are allocated before `before`; what grew is what the calls made.
      return grown / calls;
    }
    if (calls <= 10) throw new Error('a collection ran in every attempt: give the young generation more room');
    calls = Math.floor(calls / 2);
  }
}

const WAYS: Record<string, Relabel> = { 'parse-and-stringify': parseAndStringify, 'single-pass': singlePass };

function bodies(): Record<string, { name: string; body: Buffer }> {
  return {
    chat: { name: 'chat answer', body: chatAnswer() },
    'embeddings-1': { name: 'embeddings, 1 × 1,536 floats', body: embeddingsAnswer(1) },
    'embeddings-8': { name: 'embeddings, 8 × 1,536 floats', body: embeddingsAnswer(8) },
  };
}

/** `--calls N` of one way on one body and nothing else: the unit of an instruction count. */
function callsOnly(wayName: string, bodyName: string, calls: number): void {
  const way = WAYS[wayName];
  const body = bodies()[bodyName]?.body;
  if (way === undefined || body === undefined || !Number.isInteger(calls)) {
    throw new Error(`--way ${Object.keys(WAYS).join('|')} --body ${Object.keys(bodies()).join('|')} --calls N`);
  }
  let last: unknown;
  for (let i = 0; i < calls; i++) last = way(body);
  if (last === undefined) throw new Error('no answer');
}

async function table(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc (see the comment at the top)');
  let collections = 0;
  const observer = new PerformanceObserver((list) => (collections += list.getEntries().length));
  observer.observe({ entryTypes: ['gc'] });
  console.log(`Node ${process.version}; median of ${ROUNDS} alternating rounds; bytes = heap + array buffers.\n`);
  console.log(
    '| body | size | parse + stringify µs/call | single pass µs/call | CPU saved | parse + stringify bytes/call | single pass bytes/call |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const { name, body } of Object.values(bodies())) {
    const [before, after] = timePerCall(body, [parseAndStringify, singlePass]) as [number, number];
    const bytesBefore = await bytesPerCall(body, parseAndStringify, gc, () => collections);
    const bytesAfter = await bytesPerCall(body, singlePass, gc, () => collections);
    console.log(
      `| ${name} | ${body.length.toLocaleString('en-US')} B | ${before.toFixed(1)} | ${after.toFixed(1)} | ` +
        `${Math.round((1 - after / before) * 100)} % | ${Math.round(bytesBefore).toLocaleString('en-US')} | ` +
        `${Math.round(bytesAfter).toLocaleString('en-US')} |`,
    );
  }
  observer.disconnect();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { way: { type: 'string' }, body: { type: 'string' }, calls: { type: 'string' } },
  });
  if (values.way === undefined && values.body === undefined && values.calls === undefined) return table();
  callsOnly(values.way ?? '', values.body ?? '', Number(values.calls));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
