/**
 * What the gateway's upstream layer costs per request, in process, without the rest of the gateway:
 *
 * - `call`: one `UpstreamCaller.call` (one target, an internal provider on loopback, the relay's headers, a
 *   JSON body and the client's abort signal), then its answer read to the end; the answer comes from a bare
 *   `node:http` server in the same process, which is counted too (the same in every run);
 * - `undici`: the same request as a bare undici `Pool.request`, the floor under `call`;
 * - `stream`: one recorded OpenAI stream (8 content chunks, the usage chunk, `[DONE]`, one network chunk each)
 *   through the relay's one stage for a client that speaks OpenAI: the usage tap given the alias rewriter.
 *
 *   node --expose-gc --max-semi-space-size=64 --min-semi-space-size=64 --import tsx bench/support/upstream-path-cost.ts
 *
 * prints, per case, the CPU time per request (median of rounds, `process.cpuUsage`) and the bytes allocated per
 * request (heap and array-buffer growth between full collections, none in between). Both move with other work on
 * a shared machine; instruction counts do not: `--case <case> --requests N` only runs N requests, so
 *
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null --smc-check=all-non-file \
 *     node --single-threaded --import tsx bench/support/upstream-path-cost.ts --case stream --requests 2000
 *
 * for two N gives the instructions per request as the difference of the totals over the difference of the N.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { PerformanceObserver } from 'node:perf_hooks';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { CircuitBreakers } from '../../apps/gateway/src/upstream/circuit-breakers';
import { SseUsageTap } from '../../apps/gateway/src/upstream/sse-usage-tap';
import { UpstreamCaller } from '../../apps/gateway/src/upstream/upstream-caller';
import { UpstreamPools } from '../../apps/gateway/src/upstream/upstream-pools';
import { type UpstreamTarget } from '../../apps/gateway/src/upstream/upstream.types';
import { streamRewriterFor } from '../../apps/gateway/src/pipeline/protocols/answer-translation';

type Case = 'call' | 'undici' | 'stream';
const CASES: readonly Case[] = ['call', 'undici', 'stream'];

const ROUNDS = 15;
const REQUESTS_PER_ROUND: Record<Case, number> = {
  call: 2_000,
  undici: 2_000,
  stream: 4_000,
};

const ANSWER = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1764200000,
  model: 'mock-chat',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 19, completion_tokens: 3, total_tokens: 22 },
});
const REQUEST_BODY = JSON.stringify({ model: 'mock-chat', messages: [{ role: 'user', content: 'Hello' }] });
const TARGETS: readonly UpstreamTarget[] = [
  { providerId: 'bench', upstreamModel: 'mock-chat', weight: 1, priority: 0 },
];

/** The mock's stream for a chat request with `include_usage`, one event per network chunk. */
const STREAM_CHUNKS: Buffer[] = (() => {
  const envelope = { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1764200000, model: 'mock-chat' };
  const words = ['Hello', ' there,', ' this', ' is', ' a', ' streamed', ' answer', '.'];
  const frames = words.map(
    (content, position) =>
      `data: ${JSON.stringify({
        ...envelope,
        system_fingerprint: 'fp_mock',
        choices: [
          {
            index: 0,
            delta: position === 0 ? { role: 'assistant', content } : { content },
            logprobs: null,
            finish_reason: position === words.length - 1 ? 'stop' : null,
          },
        ],
        usage: null,
      })}\n\n`,
  );
  frames.push(
    `data: ${JSON.stringify({ ...envelope, choices: [], usage: { prompt_tokens: 19, completion_tokens: 8, total_tokens: 27 } })}\n\n`,
    'data: [DONE]\n\n',
  );
  return frames.map((frame) => Buffer.from(frame));
})();

interface Bench {
  request(): Promise<void>;
  close(): Promise<void>;
}

async function callBench(bare: boolean): Promise<Bench> {
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end(ANSWER));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const pools = new UpstreamPools();
  await pools.setProviders([
    {
      id: 'bench',
      name: 'bench',
      type: 'OPENAI',
      baseUrl: `http://127.0.0.1:${port}`,
      credential: 'sk',
      internal: true,
    },
  ]);
  const caller = new UpstreamCaller(pools, new CircuitBreakers({ failureThreshold: 5, cooldownMs: 10_000 }));
  const pool = pools.resolve('bench', '/v1/chat/completions').pool;
  let id = 0;
  return {
    async request() {
      const headers = { 'content-type': 'application/json', accept: 'application/json', 'x-request-id': `req-${id++}` };
      if (bare) {
        const response = await pool.request({
          method: 'POST',
          path: '/v1/chat/completions',
          headers: { ...headers, authorization: 'Bearer sk' },
          body: REQUEST_BODY,
        });
        for await (const chunk of response.body) void chunk;
        return;
      }
      const client = new AbortController();
      const response = await caller.call(
        { method: 'POST', path: '/v1/chat/completions', headers, body: () => REQUEST_BODY, signal: client.signal },
        TARGETS,
        { deadlineMs: 120_000 },
      );
      for await (const chunk of response.body) void chunk;
    },
    async close() {
      await pools.close();
      server.close();
    },
  };
}

function streamBench(): Bench {
  const rewriter = () =>
    streamRewriterFor('openai', 'openai', { alias: 'demo-chat', requestId: 'r', includeUsage: true });
  let received = 0;
  const sink = () =>
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        callback();
      },
    });
  return {
    async request() {
      const client = new AbortController();
      received = 0;
      const tap = new SseUsageTap({
        protocol: 'openai',
        stripUsageChunk: false,
        signal: client.signal,
        rewriter: rewriter(),
      });
      await pipeline(Readable.from(STREAM_CHUNKS), tap, sink());
      if (tap.report?.ending !== 'completed' || received === 0) throw new Error('the stream did not complete');
    },
    close: async () => undefined,
  };
}

async function benchFor(name: Case): Promise<Bench> {
  if (name === 'call' || name === 'undici') return callBench(name === 'undici');
  return streamBench();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function settled(): Promise<void> {
  // Collection entries reach the observer later than the next turn of the event loop: a timer later.
  return new Promise((resolve) => setTimeout(resolve, 20));
}

async function cpuPerRequest(bench: Bench, requests: number): Promise<number> {
  for (let i = 0; i < requests; i++) await bench.request();
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.cpuUsage();
    for (let i = 0; i < requests; i++) await bench.request();
    const used = process.cpuUsage(started);
    rounds.push((used.user + used.system) / requests);
  }
  return median(rounds);
}

async function bytesPerRequest(bench: Bench, gc: () => void, collections: () => number): Promise<number> {
  for (let requests = 2_000; requests >= 50; requests = Math.floor(requests / 2)) {
    gc();
    gc();
    await settled();
    const seen = collections();
    const before = process.memoryUsage();
    for (let i = 0; i < requests; i++) await bench.request();
    const after = process.memoryUsage();
    await settled();
    if (collections() === seen) {
      return (after.heapUsed - before.heapUsed + (after.arrayBuffers - before.arrayBuffers)) / requests;
    }
  }
  throw new Error('a collection ran in every attempt: give the young generation more room');
}

async function table(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc (see the comment at the top)');
  let collections = 0;
  const observer = new PerformanceObserver((list) => (collections += list.getEntries().length));
  observer.observe({ entryTypes: ['gc'] });
  console.log(`Node ${process.version}; CPU: median of ${ROUNDS} rounds; bytes = heap + array buffers.\n`);
  console.log('| case | CPU µs/request | bytes allocated/request |');
  console.log('| --- | ---: | ---: |');
  for (const name of CASES) {
    const bench = await benchFor(name);
    const cpu = await cpuPerRequest(bench, REQUESTS_PER_ROUND[name]);
    const bytes = await bytesPerRequest(bench, gc, () => collections);
    await bench.close();
    console.log(`| ${name} | ${cpu.toFixed(1)} | ${Math.round(bytes).toLocaleString('en-US')} |`);
  }
  observer.disconnect();
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { case: { type: 'string' }, requests: { type: 'string' } } });
  if (values.case === undefined && values.requests === undefined) return table();
  const requests = Number(values.requests);
  const name = CASES.find((candidate) => candidate === values.case);
  if (name === undefined || !Number.isInteger(requests)) throw new Error(`--case ${CASES.join('|')} --requests N`);
  const bench = await benchFor(name);
  for (let i = 0; i < requests; i++) await bench.request();
  await bench.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
