/**
 * Load benchmark of the gateway: what the full chain (key auth, entitlement, the upstream call, the usage event)
 * costs on top of its upstream. Targets on 127.0.0.1, the same requests to each:
 *
 * - direct: the mock-provider itself, with 20 ms of latency (the floor);
 * - proxy: a bare undici pass-through (`support/passthrough-proxy.ts`) in front of the mock (what any proxy costs);
 * - gateway: `node dist/gateway/apps/gateway/src/main.js` in front of the mock, with its own database and Redis prefix,
 *   called with two keys: one whose subscription has every limit set (huge, so every request is admitted and
 *   settled), one whose subscription has none (no limit check at all); the difference is what the limits cost;
 * - stack: the gateway and a worker consuming its usage queue, both configured as `npm start` configures them
 *   (scripts/stack/stack-apps.ts), Redis shared: the figure a user of `npm start` sees.
 *
 * The process under test (proxy or gateway) runs on core 0, the mock and the load generator on core 1 (`taskset`).
 * Scenarios: throughput (autocannon), latency at one connection, time to first token with many concurrent
 * streams, the full chain's throughput again with policy documents in force (`support/bench-policies.ts`: what the
 * policy stage costs), the stack's throughput, memory per cached key, and a CPU profile of the gateway under load. Redis's time
 * is split by script (`support/redis-commands.ts`). The issue's targets are ratios to the bare proxy of the same run.
 * Prints Markdown tables and appends them to bench/RESULTS.md. Exits 1 if any run saw an error, a non-2xx or
 * malformed response.
 *
 *   npx tsx bench/gateway.bench.ts [--connections 200] [--duration 10] [--warmup 3] [--streams 256,512]
 *     [--chunk-delay 200] [--keys 10000] [--skip-profile] [--build] [--print-only]
 */
import {
  gatewayConfigSchema,
  mockProviderConfigSchema,
  parseConfig,
  stackConfigSchema,
  workerConfigSchema,
  DEFAULT_REDIS_URL,
} from '@gatehouse/config';
import { dropDatabase } from '@gatehouse/db';
import { QueueName, queuedUsageEvents } from '@gatehouse/jobs';
import { queuePrefix, RedisKeys } from '@gatehouse/redis';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import {
  clearRedisPrefix,
  countUsageEvents,
  createBenchDatabase,
  createBenchKey,
  localRedisPid,
} from './support/bench-database';
import {
  CpuSample,
  killLoadGeneratorsNow,
  pinned,
  ProcessGroupCpu,
  startLoadGenerator,
  tasksetPath,
  type LoadGenerator,
} from './support/cpu-pinning';
import { profileTable, summariseCpuProfile, type ProfileSummary } from './support/cpu-profile-summary';
import { type KeyCacheMemory } from './support/key-cache-memory';
import { type OtlpSinkStats } from './support/otlp-sink';
import { machineBusyCores } from './support/load-run';
import {
  type HttpTarget,
  type LatencyResult,
  type LoadTask,
  type StreamsResult,
  type ThroughputResult,
} from './support/load-tasks';
import { appendResults, formatBytes, formatNumber } from './support/results-report';
import { runBenchSession } from './support/bench-session';
import {
  type BenchPolicies,
  clearBenchPolicies,
  policyStageMicros,
  publishBenchPolicies,
} from './support/bench-policies';
import {
  GUARDRAIL_INPUT_YAML,
  GUARDRAIL_OUTPUT_YAML,
  GUARDRAIL_PROMPT,
  guardrailInputMicros,
  publishGuardrailDocument,
} from './support/bench-guardrails';
import { freePort, LOOPBACK, startServer, stopAllServers, type ServerProcess } from './support/server-process';
import {
  attribute,
  calibrateNestedLogging,
  knownScripts,
  OTHER_CLIENTS,
  readCommandStats,
  redisClientPorts,
  restoreSlowlogNow,
  scriptsBetween,
  SlowlogSampler,
  type CommandStat,
  type RedisAttribution,
  type RedisShare,
} from './support/redis-commands';
import { builtMain, defaultPorts, stackApps, type BuiltApp, type StackApp } from '../scripts/stack/stack-apps';
import { runTool, toolEnvironment } from './support/tool-run';

const ROOT = path.resolve(__dirname, '..');
const GATEWAY_MAIN = builtMain('gateway');
const MOCK_MAIN = builtMain('mock-provider');
/** The builds `--build` runs (without the Nx cache, so that the numbers describe the working tree). */
const BUILDS: BuiltApp[] = ['mock-provider', 'gateway', 'worker'];
const PROXY_SERVER = 'bench/support/passthrough-proxy.ts';
const OTLP_SINK = 'bench/support/otlp-sink.ts';
const KEY_CACHE_MEMORY = 'bench/support/key-cache-memory.ts';
const RESULTS_FILE = 'bench/RESULTS.md';
const COMMAND = 'npx tsx bench/gateway.bench.ts';

/**
 * The benchmark's own database and Redis prefix, never the dev ones, named after this process so that a run from
 * another worktree at the same time cannot drop or clear them under this one; dropped and cleared at the end.
 */
const DATABASE_NAME = `gatehouse_bench_${process.pid}`;
const REDIS_PREFIX = `gatehouse-bench-${process.pid}`;
const PREFERRED_PORTS = {
  mockProvider: 18290,
  proxy: 18291,
  gateway: 18292,
  stackGateway: 18293,
  stackWorker: 18294,
  otlpSink: 18295,
};
/** The process under test gets core 0 to itself; the mock and the load generator share core 1. */
const CORES = { underTest: 0, loadSide: 1 };

const MOCK_DELAY_MS = 20;
/** Content chunks per streamed answer, as in the mock-provider benchmark. */
const STREAM_CHUNKS = 8;

/**
 * The issue's targets (issue 13). The machines' speed moves several-fold from day to day, so they are ratios to the
 * bare proxy measured in the same run (and added milliseconds over it), for the gateway on one core, the mock at
 * 20 ms and the load on the other core; the memory one is absolute.
 */
/** The policy stage's cost (issue 14): at most this fraction of the proxy's CPU per request. */
const POLICY_STAGE_OF_PROXY = 0.05;
/** Every built-in input detector on a 4 KB prompt (issue 15): at most this many times the proxy's CPU per request. */
const GUARDRAIL_INPUT_OF_PROXY = 1.5;
/** What streamed output redaction may add to the time to first token (issue 15), in ms. */
const OUTPUT_RULES_ADDED_TTFT_MS = 1;

const TARGETS = {
  /** Gateway CPU per request, at most this many times the proxy's. */
  gatewayCpuOfProxy: 1.7,
  /** Redis CPU per request (admit + settle + usage), at most this fraction of the proxy's CPU per request. */
  redisCpuOfProxy: 0.45,
  /** Throughput, at least this fraction of the proxy's. */
  throughputOfProxy: 0.6,
  addedP50Ms: 0.35,
  addedP99Ms: 1,
  concurrentStreams: 512,
  addedTimeToFirstTokenMs: 1,
  bytesPerCachedKey: 1024,
};
/** A core busier than this during a run was the bottleneck of that run. */
const SATURATED = 0.9;
/** Other processes' CPU, in cores, from which a run is called disturbed. */
const DISTURBED = 0.25;

const BUILD_TIMEOUT_MS = 5 * 60_000;
const READY_TIMEOUT_MS = 30_000;
const SAMPLE_TIMEOUT_MS = 10_000;
const MEMORY_TIMEOUT_MS = 120_000;
/** Time a usage event may take to reach the queue (the recorder batches for 50 ms) before it is counted. */
const USAGE_SETTLE_MS = 1_000;
/** Slack on top of the runs for the database, start-ups, checks, the profile and the memory run. */
const SESSION_MARGIN_MS = 4 * 60_000;
/** The longest the worker may take to write what the stack's run queued before its usage rows are counted. */
const STACK_INGEST_TIMEOUT_MS = 60_000;
const QUEUE_POLL_MS = 100;

interface Options {
  connections: number;
  durationSeconds: number;
  /** The one-connection runs: ~47 requests a second, so a p99 needs more time than the other runs. */
  latencyDurationSeconds: number;
  warmupSeconds: number;
  streamLevels: number[];
  chunkDelayMs: number;
  keys: number;
  /** Times a run disturbed by other work on the machine is repeated. */
  retries: number;
  profile: boolean;
  build: boolean;
  printOnly: boolean;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      connections: { type: 'string', default: '200' },
      duration: { type: 'string', default: '10' },
      'latency-duration': { type: 'string', default: '20' },
      warmup: { type: 'string', default: '3' },
      streams: { type: 'string', default: '256,512' },
      'chunk-delay': { type: 'string', default: '200' },
      keys: { type: 'string', default: '10000' },
      retries: { type: 'string', default: '1' },
      'skip-profile': { type: 'boolean', default: false },
      build: { type: 'boolean', default: false },
      'print-only': { type: 'boolean', default: false },
    },
  });
  const bounded = (name: string, value: string, min: number, max: number) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new Error(`--${name} must be an integer from ${min} to ${max}, not ${value}`);
    }
    return parsed;
  };
  return {
    connections: bounded('connections', values.connections, 1, 1_000),
    durationSeconds: bounded('duration', values.duration, 1, 60),
    latencyDurationSeconds: bounded('latency-duration', values['latency-duration'], 1, 120),
    warmupSeconds: bounded('warmup', values.warmup, 1, 30),
    streamLevels: values.streams.split(',').map((level) => bounded('streams', level.trim(), 1, 2_000)),
    chunkDelayMs: bounded('chunk-delay', values['chunk-delay'], 0, 2_000),
    keys: bounded('keys', values.keys, 100, 10_000),
    retries: bounded('retries', values.retries, 0, 3),
    profile: !values['skip-profile'],
    build: values.build,
    printOnly: values['print-only'],
  };
}

// ---------------------------------------------------------------------------------------------------------
// Requests

type TargetName =
  | 'direct'
  | 'proxy'
  | 'gateway'
  | 'gateway-no-limits'
  | 'gateway-policies'
  | 'gateway-guardrails'
  | 'gateway-output-rules'
  | 'gateway-traced'
  | 'stack';
const TARGET_LABELS: Record<TargetName, string> = {
  direct: 'direct (mock-provider)',
  proxy: 'bare undici proxy',
  gateway: 'gateway (full chain)',
  'gateway-no-limits': 'gateway, no limits',
  'gateway-policies': 'gateway (full chain), policies in force',
  'gateway-guardrails': 'gateway (full chain), every input detector in force',
  'gateway-output-rules': 'gateway (full chain), output rules in force',
  'gateway-traced': 'gateway (full chain), every request traced and logged',
  stack: 'gateway as `npm start` runs it, worker consuming',
};
/**
 * The process each target runs in: both gateway targets are the same gateway, called with different keys; the
 * stack's is a gateway of its own, configured as `npm start` configures it.
 */
type ServerName = 'proxy' | 'gateway' | 'stack';
const SERVER_OF: Record<Exclude<TargetName, 'direct'>, ServerName> = {
  proxy: 'proxy',
  gateway: 'gateway',
  'gateway-no-limits': 'gateway',
  'gateway-policies': 'gateway',
  'gateway-guardrails': 'gateway',
  'gateway-output-rules': 'gateway',
  'gateway-traced': 'gateway',
  stack: 'stack',
};
const isGateway = (name: TargetName) => name !== 'direct' && name !== 'proxy';

const messages = [
  { role: 'system', content: 'You are the upstream of a load test.' },
  { role: 'user', content: 'Describe an AI gateway in one short paragraph.' },
];

/** The guardrail runs' request: the 4 KB prompt after the same system message. */
const guardrailMessages = [messages[0], { role: 'user', content: GUARDRAIL_PROMPT }];

/** The same request for every target; only the model differs: the gateway's public alias, the mock's own name. */
function chatTarget(
  origin: string,
  name: TargetName,
  key: string,
  stream: boolean,
  conversation: readonly unknown[] = messages,
): HttpTarget {
  const model = isGateway(name) ? 'demo-chat' : 'mock-chat';
  return {
    origin,
    path: '/v1/chat/completions',
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({
      model,
      messages: conversation,
      ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    }),
  };
}

const chatCompletionSchema = z.object({
  object: z.literal('chat.completion'),
  model: z.string(),
  choices: z.array(z.object({ message: z.object({ content: z.string().min(1) }) })).length(1),
});

/** One request before the load, its answer checked: a target that answers fast but wrong proves nothing. */
async function check(target: HttpTarget, stream: boolean, model: string): Promise<string | undefined> {
  const response = await fetch(`${target.origin}${target.path}`, {
    method: target.method,
    headers: target.headers,
    body: target.body,
    signal: AbortSignal.timeout(SAMPLE_TIMEOUT_MS),
  });
  const text = await response.text();
  if (response.status !== 200) return `status ${response.status}: ${text.slice(0, 200)}`;
  if (stream) {
    const frames = text.split('\n\n').filter((frame) => frame.startsWith('data: {'));
    const content = frames.filter((frame) => frame.includes('"content"')).length;
    if (!text.trimEnd().endsWith('data: [DONE]')) return 'the stream does not end with [DONE]';
    return content >= STREAM_CHUNKS ? undefined : `${content} content chunks, expected ${STREAM_CHUNKS}`;
  }
  const parsed = chatCompletionSchema.safeParse(JSON.parse(text));
  if (!parsed.success) return z.prettifyError(parsed.error);
  return parsed.data.model === model ? undefined : `model ${parsed.data.model}, expected ${model}`;
}

// ---------------------------------------------------------------------------------------------------------
// Builds

interface BuildFacts {
  project: string;
  builtAt: Date;
  newerSource: string | undefined;
}

/**
 * What an app's build compiles, read from its build command (`swc <dirs…> -d dist/<app>` in apps/<app>/project.json):
 * a newer file there means its dist is stale.
 */
function buildSources(project: BuiltApp): string[] {
  const manifest = z
    .object({ targets: z.object({ build: z.object({ command: z.string() }) }) })
    .parse(JSON.parse(readFileSync(path.join(ROOT, 'apps', project, 'project.json'), 'utf8')));
  const words = manifest.targets.build.command.split(/\s+/);
  return words.slice(1, words.indexOf('-d')).filter((word) => existsSync(path.join(ROOT, word)));
}

async function ensureBuilt(force: boolean): Promise<BuildFacts[]> {
  const facts: BuildFacts[] = [];
  for (const project of BUILDS) {
    const main = path.join(ROOT, builtMain(project));
    if (force || !existsSync(main)) {
      process.stderr.write(
        `${force ? '--build' : `${builtMain(project)} is missing`}: npx nx run ${project}:build --skip-nx-cache\n`,
      );
      await runTool(
        `${project}:build`,
        path.join(ROOT, 'node_modules/.bin/nx'),
        ['run', `${project}:build`, '--skip-nx-cache'],
        {
          cwd: ROOT,
          env: toolEnvironment(ROOT),
          timeoutMs: BUILD_TIMEOUT_MS,
          showOutput: true,
        },
      );
    }
    const builtAt = statSync(main).mtime;
    const newerSource = buildSources(project)
      .flatMap((directory) =>
        readdirSync(path.join(ROOT, directory), { recursive: true, encoding: 'utf8' })
          .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts') && !file.endsWith('.int-spec.ts'))
          .map((file) => path.join(directory, file)),
      )
      .find((file) => statSync(path.join(ROOT, file)).mtime > builtAt);
    if (newerSource !== undefined) {
      process.stderr.write(
        `warning: ${newerSource} is newer than ${builtMain(project)}; this measures the last build (rerun with --build)\n`,
      );
    }
    facts.push({ project, builtAt, newerSource });
  }
  return facts;
}

// ---------------------------------------------------------------------------------------------------------
// Measurements

interface CpuUse {
  /** The process under test on core 0 (proxy or gateway); undefined for the direct rows. */
  underTest: number | undefined;
  mock: number;
  loadGenerator: number;
  /** Redis (the limit counters and the usage queue): shared with whatever else uses it, unpinned. */
  redis: number;
  /** The stack's worker (core 1); undefined outside the stack's run. */
  worker: number | undefined;
  /** Postgres's own processes and the backends of the benchmark's database (the worker writes usage there). */
  postgres: number;
  /** Busy fraction of core 0 and core 1 (other work on the machine included). */
  core0: number;
  core1: number;
  /** Cores used by everything else on the (shared) machine: what the benchmark's processes did not get. */
  other: number;
}

interface Measured<Result> {
  title: string;
  target: TargetName;
  result: Result;
  cpu: CpuUse;
  /** Usage events that reached the queue per gateway response (warm-up included); undefined elsewhere. */
  usageEventsPerResponse?: number;
  /** The stack's run: rows the worker wrote to usage_events per response (warm-up included). */
  usageRowsPerResponse?: number;
  /** Redis's time split by script (throughput runs of the gateway). */
  redis?: RedisAttribution;
  /** The measured run, on the monotonic clock (µs) that V8's CPU profiles use too. */
  window: { fromUs: number; toUs: number };
  /** Runs made to get this one: more than 1 when other work disturbed the first. */
  attempts: number;
}

interface Session {
  loadGenerator: LoadGenerator;
  mock: ServerProcess;
  servers: Partial<Record<ServerName, ServerProcess>>;
  /** The stack's worker while the stack runs. */
  worker?: ServerProcess;
  /** The local redis-server's pid (from `INFO server`), so that its CPU is counted apart from other work. */
  redisPid: number | undefined;
  redis: Redis;
  usageQueue: Queue;
  databaseUrl: string;
  /** SHA-1 → name of the scripts the gateway and the worker run. */
  scripts: Map<string, string>;
  /** What logging a command a script runs costs the script while Redis's time is sampled (µs). */
  nestedLoggingUsec: number;
  retries: number;
}

/**
 * One run, repeated (up to `session.retries` times) while other work on the shared machine took
 * `DISTURBED` cores or more of it; the least disturbed attempt is kept. With `splitRedis`, Redis's time is split by
 * script (a slow-log sample during the warm-up, commandstats over the measured run).
 */
async function measure<Result extends ThroughputResult | LatencyResult | StreamsResult>(
  session: Session,
  target: TargetName,
  task: LoadTask,
  splitRedis = false,
): Promise<Measured<Result>> {
  let best: Measured<Result> | undefined;
  let attempts = 0;
  while (attempts <= session.retries) {
    if (attempts > 0) process.stderr.write('  disturbed by other work: again\n');
    const measured = await measureOnce<Result>(session, target, task, splitRedis);
    attempts++;
    measured.attempts = attempts;
    // A run with errors is reported as it is: repeating it could hide the failure.
    if (problemsOf(measured).length > 0) return measured;
    if (best === undefined || measured.cpu.other < best.cpu.other) best = measured;
    if (measured.cpu.other < DISTURBED) break;
  }
  if (best === undefined) throw new Error(`${task.title}: not measured`);
  return { ...best, attempts };
}

/**
 * Postgres's own processes (postmaster, writers, checkpointer) and the backends and autovacuum workers of the
 * benchmark's database; other databases' backends (other people's tests on a shared machine) are other work.
 */
function ownPostgres(commandLine: string): boolean {
  if (new RegExp(`\\s${DATABASE_NAME}(\\s|$)`).test(commandLine)) return true;
  return !/\(\d+\)|\[local\]|autovacuum worker/.test(commandLine);
}

async function measureOnce<Result extends ThroughputResult | LatencyResult | StreamsResult>(
  session: Session,
  target: TargetName,
  task: LoadTask,
  splitRedis: boolean,
): Promise<Measured<Result>> {
  const underTest = target === 'direct' ? undefined : session.servers[SERVER_OF[target]];
  if (target !== 'direct' && underTest === undefined) throw new Error(`${task.title}: its server is not running`);
  const worker = target === 'stack' ? session.worker : undefined;
  // The stack's worker consumes the queue: there the usage is counted in the database, after it has written it.
  if (isGateway(target) && target !== 'stack') await session.usageQueue.drain(true);
  const usageRowsBefore = target === 'stack' ? await countUsageEvents(session.databaseUrl) : 0;
  let sample: CpuSample | undefined;
  let postgres: ProcessGroupCpu | undefined;
  let used: ReturnType<CpuSample['since']> | undefined;
  let postgresSeconds = 0;
  const window = { fromUs: 0, toUs: 0 };
  const pids: Record<string, number> = { mock: session.mock.pid, loadGenerator: session.loadGenerator.pid };
  if (underTest !== undefined) pids.underTest = underTest.pid;
  if (worker !== undefined) pids.worker = worker.pid;
  if (session.redisPid !== undefined) pids.redis = session.redisPid;
  const sampler = splitRedis ? new SlowlogSampler(session.redis, DEFAULT_REDIS_URL) : undefined;
  let statsBefore: Promise<Map<string, CommandStat>> | undefined;
  let statsAfter: Promise<Map<string, CommandStat>> | undefined;
  process.stderr.write(`- ${task.title}… `);
  let result: Result;
  try {
    await sampler?.start();
    result = (await session.loadGenerator.run(task as never, {
      measuring: () => {
        sample = CpuSample.take(pids);
        postgres = ProcessGroupCpu.take('postgres', ownPostgres);
        window.fromUs = monotonicMicroseconds();
        // Queued in this order on one connection: the warm-up's sample ends, then the measured run's stats start.
        if (sampler !== undefined) statsBefore = sampler.stopRecording().then(() => readCommandStats(session.redis));
      },
      measured: () => {
        used = sample?.since();
        postgresSeconds = postgres?.secondsSince() ?? 0;
        window.toUs = monotonicMicroseconds();
        if (sampler !== undefined) statsAfter = readCommandStats(session.redis);
      },
    })) as Result;
  } finally {
    if (sampler !== undefined && (statsBefore === undefined || statsAfter === undefined)) await sampler.restore();
  }
  const underTestCores = underTest === undefined ? undefined : (used?.processes.underTest ?? 0);
  const workerCores = worker === undefined ? undefined : (used?.processes.worker ?? 0);
  const postgresCores = used === undefined || used.seconds === 0 ? 0 : postgresSeconds / used.seconds;
  const cpu: CpuUse = {
    underTest: underTestCores,
    mock: used?.processes.mock ?? 0,
    loadGenerator: used?.processes.loadGenerator ?? 0,
    redis: used?.processes.redis ?? 0,
    worker: workerCores,
    postgres: postgresCores,
    core0: used?.cores[CORES.underTest] ?? 0,
    core1: used?.cores[CORES.loadSide] ?? 0,
    other: Math.max(
      0,
      (used?.cores.reduce((sum, core) => sum + core, 0) ?? 0) -
        (underTestCores ?? 0) -
        (workerCores ?? 0) -
        postgresCores -
        (used?.processes.mock ?? 0) -
        (used?.processes.loadGenerator ?? 0) -
        (used?.processes.redis ?? 0),
    ),
  };
  let redis: RedisAttribution | undefined;
  if (sampler !== undefined && statsBefore !== undefined && statsAfter !== undefined && underTest !== undefined) {
    const [before, after] = await Promise.all([statsBefore, statsAfter]);
    const redisPort = Number(new URL(DEFAULT_REDIS_URL).port);
    const sources: Record<string, Set<number>> = { gateway: redisClientPorts(underTest.pid, redisPort) };
    if (worker !== undefined) sources.worker = redisClientPorts(worker.pid, redisPort);
    const slowlog = await sampler.read(sources, session.scripts);
    const responses = 'requestsPerSecond' in result ? result.requestsPerSecond * (used?.seconds ?? 0) : 0;
    redis = attribute(slowlog, scriptsBetween(before, after), responses, session.nestedLoggingUsec);
  }
  let usageEventsPerResponse: number | undefined;
  let usageRowsPerResponse: number | undefined;
  if (target === 'stack') {
    await waitForEmptyQueue(session.usageQueue, STACK_INGEST_TIMEOUT_MS);
    usageRowsPerResponse =
      ((await countUsageEvents(session.databaseUrl)) - usageRowsBefore) / Math.max(1, result.totalResponses);
  } else if (isGateway(target)) {
    await new Promise((resolve) => setTimeout(resolve, USAGE_SETTLE_MS));
    const usageEvents = await queuedUsageEvents(session.usageQueue, ['waiting', 'prioritized', 'delayed']);
    usageEventsPerResponse = usageEvents.length / Math.max(1, result.totalResponses);
    await session.usageQueue.drain(true);
  }
  process.stderr.write(
    `${summaryOf(result)}${cpu.other >= DISTURBED ? ` (other work: ${cores(cpu.other)} cores)` : ''}\n`,
  );
  return {
    title: task.title,
    target,
    result,
    cpu,
    usageEventsPerResponse,
    usageRowsPerResponse,
    redis,
    window,
    attempts: 1,
  };
}

/** Waits (bounded) until the usage queue has nothing waiting, active or delayed: the worker has written it all. */
/**
 * Waits until the gateway has (`inForce`) or no longer has the benchmark's policy documents: a call of
 * `demo-embed`, which the global document denies, is refused by it, or no longer is.
 */
async function policiesInForce(origin: string, key: string, inForce: boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const answer = await fetch(`${origin}/v1/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'demo-embed', input: 'policy check' }),
    });
    const body = (await answer.json().catch(() => ({}))) as { error?: { code?: string } };
    if ((body.error?.code === 'policy_access_denied') === inForce) return;
    if (Date.now() > deadline) {
      throw new Error(`the gateway did not ${inForce ? 'load' : 'drop'} the benchmark's policies within 5 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitForEmptyQueue(queue: Queue, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // The gateway's recorder flushes every 50 ms: let its last batch reach the queue first.
  await new Promise((resolve) => setTimeout(resolve, USAGE_SETTLE_MS));
  while (Date.now() < deadline) {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (Object.values(counts).every((count) => count === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, QUEUE_POLL_MS));
  }
  throw new Error(`the stack's worker did not empty the usage queue within ${timeoutMs / 1000} s`);
}

function summaryOf(result: ThroughputResult | LatencyResult | StreamsResult): string {
  if ('requestsPerSecond' in result) return `${formatNumber(result.requestsPerSecond)} req/s`;
  if ('latency' in result) return `p50 ${ms(result.latency.p50)} ms, p99 ${ms(result.latency.p99)} ms`;
  return `TTFT p50 ${ms(result.timeToFirstToken.p50)} ms, p99 ${ms(result.timeToFirstToken.p99)} ms`;
}

const monotonicMicroseconds = () => Number(process.hrtime.bigint() / 1000n);
const ms = (value: number) => value.toFixed(2);
const signedMs = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;
const cores = (value: number | undefined) => (value === undefined ? '–' : value.toFixed(2));
const percent = (value: number) => `${formatNumber(100 * value)} %`;
const signed = (value: number, format: (value: number) => string) =>
  `${value >= 0 ? '+' : '−'}${format(Math.abs(value))}`;
/** `value` against `base`, in signed percent. */
const relative = (value: number, base: number) =>
  base === 0 ? '–' : `${signed((100 * (value - base)) / base, (change) => change.toFixed(1))} %`;

function problemsOf(measured: Measured<ThroughputResult | LatencyResult | StreamsResult>): string[] {
  const { result } = measured;
  const problems: string[] = [];
  if (result.errors > 0) problems.push(`${result.errors} connection errors or timeouts`);
  if (result.non2xx > 0) problems.push(`${result.non2xx} non-2xx responses`);
  if ('malformed' in result && result.malformed > 0) problems.push(`${result.malformed} streams without [DONE]`);
  if (result.totalResponses === 0) problems.push('no completed responses');
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// Servers

function gatewayEnvironment(port: number, databaseUrl: string, spoolDir: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    // JSON logs stay in-process; `pretty` would add a pino-pretty worker thread to the measured process.
    LOG_FORMAT: 'json',
    GATEWAY_HOST: LOOPBACK,
    GATEWAY_PORT: String(port),
    // Any free port: the benchmark's gateways must not collide with a stack running beside them.
    GATEWAY_METRICS_PORT: '0',
    DATABASE_URL: databaseUrl,
    REDIS_URL: DEFAULT_REDIS_URL,
    REDIS_KEY_PREFIX: REDIS_PREFIX,
    // Production refuses the development key; the seeded mock provider has no credential, so any key will do.
    CREDENTIAL_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    // Likewise the call log's: no policy of the benchmark stores bodies.
    CALL_LOG_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    GATEWAY_USAGE_SPOOL_DIR: spoolDir,
  };
}

/** The gateway under test on its core; `echo: false` for a run that logs by design (its lines are only counted). */
function startGateway(env: Record<string, string>, nodeFlags: string[] = [], echo = true): Promise<ServerProcess> {
  const config = parseConfig('gateway', gatewayConfigSchema, env);
  const { command, args } = pinned(CORES.underTest, process.execPath, [...nodeFlags, GATEWAY_MAIN]);
  return startServer({
    name: 'gateway',
    command,
    args,
    cwd: ROOT,
    env,
    readyUrl: `http://${config.http.host}:${config.http.port}/healthz`,
    readyTimeoutMs: READY_TIMEOUT_MS,
    echo,
  });
}

/** What the traced run adds to the gateway's environment: traces to the sink, every request sampled and logged. */
function tracedGatewayEnvironment(sinkOrigin: string): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: sinkOrigin,
    GATEWAY_TRACE_SAMPLE_RATIO: '1',
    // The request line is written at `info` (GATEWAY_REQUEST_LOG_LEVEL's default): the logger must let it through.
    LOG_LEVEL: 'info',
    GATEWAY_REQUEST_LOG_LEVEL: 'info',
  };
}

/** The OTLP sink (support/otlp-sink.ts) on the load side's core, and what it has received so far. */
async function startOtlpSink(
  port: number,
): Promise<{ origin: string; server: ServerProcess; stats: () => Promise<OtlpSinkStats> }> {
  const origin = `http://${LOOPBACK}:${port}`;
  const server = await startServer({
    name: 'otlp-sink',
    ...pinned(CORES.loadSide, process.execPath, ['--import', 'tsx', OTLP_SINK, '--port', String(port)]),
    cwd: ROOT,
    env: { NODE_ENV: 'production' },
    readyUrl: `${origin}/healthz`,
    readyTimeoutMs: READY_TIMEOUT_MS,
  });
  const stats = async () => {
    const response = await fetch(`${origin}/stats`);
    if (!response.ok) throw new Error(`the OTLP sink answered ${response.status}`);
    return (await response.json()) as OtlpSinkStats;
  };
  return { origin, server, stats };
}

/**
 * `--cpu-prof` writes its profile only on a normal exit, and Nest ends a SIGTERM by raising it again, which
 * kills the process without one. This preload keeps SIGTERM from killing it: the gateway shuts down as usual,
 * then exits normally (or, if something still holds the event loop, is made to after 3 s).
 */
const EXIT_NORMALLY_ON_SIGTERM =
  'data:text/javascript,process.on("SIGTERM",()=>{setTimeout(()=>process.exit(0),3000)})';

interface Stack {
  gateway: ServerProcess;
  worker: ServerProcess;
  /** How each was run, for the report (`npm start` sets no secret). */
  description: string;
}

/**
 * The gateway and the worker as `npm start` runs them (scripts/start.ts → `stackApps`): the same commands (the
 * worker with its larger young generation) and environment, with `npm start`'s defaults for a shell that sets
 * nothing: LOG_LEVEL=info, LOG_FORMAT=pretty (a pino-pretty thread in each process), NODE_ENV from this shell
 * (development unless set), every worker queue, the apps' default batch sizes. Only what must differ for a
 * benchmark does: its database, Redis prefix (the one its other runs use, so the gateway and the worker share it)
 * and ports, loopback only, a temporary usage spool. The gateway gets core 0, as the proxy and the other gateway
 * runs do; the worker gets core 1, with the load side: it consumes off the request path, so on core 0 it would
 * take its CPU from the gateway and the ratios to the proxy would no longer compare like with like.
 */
async function startStack(
  ports: { gateway: number; worker: number },
  databaseUrl: string,
  spoolDir: string,
): Promise<Stack> {
  const defaults = parseConfig('npm start', stackConfigSchema, {});
  const apps = stackApps(
    { ...defaultPorts, ...ports },
    {
      databaseUrl,
      redisUrl: defaults.redis.url,
      redisKeyPrefix: REDIS_PREFIX,
      logLevel: defaults.logLevel,
      logFormat: defaults.logFormat,
    },
  );
  const app = (name: StackApp['name'], extra: Record<string, string>): StackApp => {
    const found = apps.find((candidate) => candidate.name === name);
    if (found === undefined) throw new Error(`npm start runs no ${name}`);
    return { ...found, env: { ...found.env, ...extra } };
  };
  const gatewayApp = app('gateway', {
    GATEWAY_HOST: LOOPBACK,
    GATEWAY_METRICS_PORT: '0',
    GATEWAY_USAGE_SPOOL_DIR: spoolDir,
  });
  const workerApp = app('worker', { WORKER_HOST: LOOPBACK });
  const gatewayConfig = parseConfig('gateway', gatewayConfigSchema, gatewayApp.env);
  const workerConfig = parseConfig('worker', workerConfigSchema, workerApp.env);
  const start = (stackApp: StackApp, core: number) => {
    const [executable, ...args] = stackApp.command.split(' ');
    if (executable !== 'node')
      throw new Error(`npm start runs ${stackApp.name} as "${stackApp.command}", not with node`);
    return startServer({
      name: `stack ${stackApp.name}`,
      ...pinned(core, process.execPath, args),
      cwd: ROOT,
      env: stackApp.env,
      readyUrl: stackApp.readyUrl,
      readyTimeoutMs: READY_TIMEOUT_MS,
      // At LOG_LEVEL=info the apps log by design (start-up, schedules): counted, not shown.
      echo: false,
    });
  };
  const gateway = await start(gatewayApp, CORES.underTest);
  const worker = await start(workerApp, CORES.loadSide);
  return {
    gateway,
    worker,
    description:
      `\`${gatewayApp.command}\` on core ${CORES.underTest} and \`${workerApp.command}\` on core ${CORES.loadSide}, ` +
      `NODE_ENV=${gatewayConfig.nodeEnv}, LOG_LEVEL=${gatewayConfig.logLevel}, LOG_FORMAT=${gatewayConfig.logFormat}; ` +
      `the gateway's usage batches of ${gatewayConfig.usage.batchSize} or ${gatewayConfig.usage.flushIntervalMs} ms, ` +
      `the worker on queues ${workerConfig.queues.join(', ')}, usage batches of ${workerConfig.usage.batchSize} × ` +
      `${workerConfig.usage.concurrency} in flight, flushed after ${workerConfig.usage.flushMs} ms; Redis prefix ` +
      `\`${REDIS_PREFIX}\` shared by both (npm start's is \`${defaults.redis.keyPrefix}\`), database \`${DATABASE_NAME}\``,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The session

async function main(options: Options): Promise<number> {
  tasksetPath();
  if (os.availableParallelism() < 2) throw new Error('the benchmark pins processes to cores 0 and 1: it needs 2 cores');
  const loadAverage = os.loadavg();
  const busyAtStart = await machineBusyCores(1_000);
  const startedAt = new Date();
  const builds = await ensureBuilt(options.build);
  const timing = { warmupSeconds: options.warmupSeconds, durationSeconds: options.durationSeconds };

  // mock-provider, pinned to the load side, its environment validated by its own schema.
  const mockEnv = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    MOCK_PROVIDER_HOST: LOOPBACK,
    MOCK_PROVIDER_PORT: String(await freePort(PREFERRED_PORTS.mockProvider)),
    MOCK_DELAY_MS: String(MOCK_DELAY_MS),
    MOCK_CHUNKS: String(STREAM_CHUNKS),
    // Only streams pause between chunks: a stream then stays open for a while, as a model's answer does.
    MOCK_CHUNK_DELAY_MS: String(options.chunkDelayMs),
  };
  const mockConfig = parseConfig('mock-provider', mockProviderConfigSchema, mockEnv);
  const mockOrigin = `http://${mockConfig.http.host}:${mockConfig.http.port}`;
  const mockCommand = pinned(CORES.loadSide, process.execPath, [MOCK_MAIN]);
  const mock = await startServer({
    name: 'mock-provider',
    ...mockCommand,
    cwd: ROOT,
    env: mockEnv,
    readyUrl: `${mockOrigin}/healthz`,
    readyTimeoutMs: READY_TIMEOUT_MS,
  });

  // The gateway's own database and Redis prefix, fresh.
  const databaseUrl = new URL(`/${DATABASE_NAME}`, 'postgresql://postgres@127.0.0.1:5432').toString();
  process.stderr.write(`database ${DATABASE_NAME}: drop, migrate, seed\n`);
  await createBenchDatabase(ROOT, databaseUrl, mockOrigin);
  const key = await createBenchKey(databaseUrl, 'lifted');
  const keyWithoutLimits = await createBenchKey(databaseUrl, 'none');
  const redis = new Redis(DEFAULT_REDIS_URL, { maxRetriesPerRequest: null });
  await clearRedisPrefix(redis, REDIS_PREFIX);
  const redisPid = await localRedisPid(redis);
  const usageQueue = new Queue(QueueName.Usage, { connection: redis, prefix: queuePrefix(REDIS_PREFIX) });
  const spoolDir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-bench-spool-'));

  try {
    const proxyPort = await freePort(PREFERRED_PORTS.proxy);
    const proxyOrigin = `http://${LOOPBACK}:${proxyPort}`;
    const proxy = await startServer({
      name: 'proxy',
      ...pinned(CORES.underTest, process.execPath, [
        '--import',
        'tsx',
        PROXY_SERVER,
        '--port',
        String(proxyPort),
        '--upstream',
        mockOrigin,
      ]),
      cwd: ROOT,
      env: { NODE_ENV: 'production' },
      readyUrl: `${proxyOrigin}/healthz`,
      readyTimeoutMs: READY_TIMEOUT_MS,
    });
    const gatewayEnv = gatewayEnvironment(await freePort(PREFERRED_PORTS.gateway), databaseUrl, spoolDir);
    const gatewayOrigin = `http://${LOOPBACK}:${gatewayEnv.GATEWAY_PORT}`;
    const stackPorts = {
      gateway: await freePort(PREFERRED_PORTS.stackGateway),
      worker: await freePort(PREFERRED_PORTS.stackWorker),
    };
    let gateway = await startGateway(gatewayEnv);
    const loadGenerator = await startLoadGenerator({
      core: CORES.loadSide,
      cwd: ROOT,
      env: { NODE_ENV: 'production', PATH: path.dirname(process.execPath) },
    });

    const origins: Record<TargetName, string> = {
      direct: mockOrigin,
      proxy: proxyOrigin,
      gateway: gatewayOrigin,
      'gateway-no-limits': gatewayOrigin,
      'gateway-policies': gatewayOrigin,
      'gateway-guardrails': gatewayOrigin,
      'gateway-output-rules': gatewayOrigin,
      'gateway-traced': gatewayOrigin,
      stack: `http://${LOOPBACK}:${stackPorts.gateway}`,
    };
    // The mock and the proxy ignore the key; the two gateway targets differ only by it.
    const keys: Record<TargetName, string> = {
      direct: key.key,
      proxy: key.key,
      gateway: key.key,
      'gateway-no-limits': keyWithoutLimits.key,
      'gateway-policies': key.key,
      'gateway-guardrails': key.key,
      'gateway-output-rules': key.key,
      'gateway-traced': key.key,
      stack: key.key,
    };
    const target = (name: TargetName, stream: boolean) => chatTarget(origins[name], name, keys[name], stream);
    const names: TargetName[] = ['direct', 'proxy', 'gateway', 'gateway-no-limits'];
    // Streams measure the gateway as deployed (with limits); the cost of the limits is measured above them.
    const streamNames: TargetName[] = ['direct', 'proxy', 'gateway'];
    const checkTarget = async (name: TargetName) => {
      for (const stream of [false, true]) {
        const problem = await check(target(name, stream), stream, isGateway(name) ? 'demo-chat' : 'mock-chat');
        if (problem !== undefined) {
          throw new Error(`${TARGET_LABELS[name]}${stream ? ', streamed' : ''} answered wrongly: ${problem}`);
        }
      }
    };
    for (const name of names) await checkTarget(name);
    // The snapshot the gateway cached for the key (written behind, to Redis): the template of the memory run.
    const snapshotKey = new RedisKeys(REDIS_PREFIX).global('key-snapshot', key.hash);
    let snapshotJson: string | null = null;
    for (let attempt = 0; attempt < 50 && snapshotJson === null; attempt++) {
      snapshotJson = await redis.get(snapshotKey);
      if (snapshotJson === null) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (snapshotJson === null) throw new Error('the gateway did not cache the key snapshot in Redis');

    const nestedLoggingUsec = await calibrateNestedLogging(redis, `${REDIS_PREFIX}:slowlog-probe`);
    const session: Session = {
      loadGenerator,
      mock,
      servers: { proxy, gateway },
      redisPid,
      redis,
      usageQueue,
      databaseUrl,
      // The gateway's own tree of compiled libs (`builtMain`): the limits' scripts as the measured build has them.
      scripts: knownScripts(ROOT, path.join('dist', 'gateway')),
      nestedLoggingUsec,
      retries: options.retries,
    };
    const runs = names.length + streamNames.length * options.streamLevels.length + 11;
    process.stderr.write(
      `${runs} runs × (${options.warmupSeconds} s warm-up + ${options.durationSeconds} s), ${names.length + 1} × ` +
        `(${options.warmupSeconds} s + ${options.latencyDurationSeconds} s) at one connection, then ` +
        `${options.profile ? 'a profiled gateway run and ' : ''}the memory run\n`,
    );

    const throughput: Measured<ThroughputResult>[] = [];
    for (const name of names) {
      throughput.push(
        await measure(
          session,
          name,
          {
            kind: 'throughput',
            title: `${TARGET_LABELS[name]}: throughput, ${options.connections} connections`,
            target: target(name, false),
            connections: options.connections,
            timeoutSeconds: 10,
            ...timing,
          },
          isGateway(name),
        ),
      );
    }
    const latency: Measured<LatencyResult>[] = [];
    for (const name of names) {
      latency.push(
        await measure(session, name, {
          kind: 'latency',
          title: `${TARGET_LABELS[name]}: one connection`,
          target: target(name, false),
          timeoutSeconds: 10,
          warmupSeconds: options.warmupSeconds,
          durationSeconds: options.latencyDurationSeconds,
        }),
      );
    }
    const streams: { level: number; rows: Measured<StreamsResult>[] }[] = [];
    for (const level of options.streamLevels) {
      const rows: Measured<StreamsResult>[] = [];
      for (const name of streamNames) {
        rows.push(
          await measure(session, name, {
            kind: 'streams',
            title: `${TARGET_LABELS[name]}: ${level} concurrent streams`,
            target: target(name, true),
            concurrency: level,
            timeoutSeconds: 30,
            ...timing,
          }),
        );
      }
      streams.push({ level, rows });
    }
    // A throughput run of the full chain again, or of one of its variants: the policy stage's and observability's.
    const againTask = (name: TargetName): LoadTask => ({
      kind: 'throughput',
      title: `${TARGET_LABELS[name]}: throughput, ${options.connections} connections${name === 'gateway' ? ', again' : ''}`,
      target: target(name, false),
      connections: options.connections,
      timeoutSeconds: 10,
      ...timing,
    });
    // The policy stage: the same gateway and key as the full chain's rows, measured again just before (the gateway has
    // served the streams since its first run), then with three documents in force.
    const policyBaseline = await measure<ThroughputResult>(session, 'gateway', againTask('gateway'));
    const policies = await publishBenchPolicies(databaseUrl, redis, REDIS_PREFIX, key.tenantId);
    await policiesInForce(gatewayOrigin, key.key, true);
    await checkTarget('gateway-policies');
    const policyRun = await measure<ThroughputResult>(session, 'gateway-policies', againTask('gateway-policies'));
    await clearBenchPolicies(databaseUrl, redis, REDIS_PREFIX);
    await policiesInForce(gatewayOrigin, key.key, false);
    process.stderr.write('- the policy stage alone, in process… ');
    const policyStage = policyStageMicros(key.tenantId);
    process.stderr.write(`${policyStage.toFixed(2)} µs per call\n`);

    // The guardrails (issue 15): the 4 KB prompt through the proxy and the gateway, then with every input detector in
    // force; streams at the first level again, then with the output rules in force.
    const promptTask = (name: TargetName): LoadTask => ({
      kind: 'throughput',
      title: `${TARGET_LABELS[name]}: throughput, 4 KB prompt, ${options.connections} connections`,
      target: chatTarget(origins[name], name, keys[name], false, guardrailMessages),
      connections: options.connections,
      timeoutSeconds: 10,
      ...timing,
    });
    const guardrailProxy = await measure<ThroughputResult>(session, 'proxy', promptTask('proxy'));
    const guardrailBaseline = await measure<ThroughputResult>(session, 'gateway', promptTask('gateway'));
    await publishGuardrailDocument(databaseUrl, redis, REDIS_PREFIX, GUARDRAIL_INPUT_YAML);
    await policiesInForce(gatewayOrigin, key.key, true);
    const guardrailRun = await measure<ThroughputResult>(
      session,
      'gateway-guardrails',
      promptTask('gateway-guardrails'),
    );
    await clearBenchPolicies(databaseUrl, redis, REDIS_PREFIX);
    await policiesInForce(gatewayOrigin, key.key, false);
    const outputLevel = options.streamLevels[0] ?? 256;
    const outputStreamsTask = (name: TargetName): LoadTask => ({
      kind: 'streams',
      title: `${TARGET_LABELS[name]}: ${outputLevel} concurrent streams${name === 'gateway' ? ', again' : ''}`,
      target: target(name, true),
      concurrency: outputLevel,
      timeoutSeconds: 30,
      ...timing,
    });
    const outputBaseline = await measure<StreamsResult>(session, 'gateway', outputStreamsTask('gateway'));
    await publishGuardrailDocument(databaseUrl, redis, REDIS_PREFIX, GUARDRAIL_OUTPUT_YAML);
    await policiesInForce(gatewayOrigin, key.key, true);
    const outputRun = await measure<StreamsResult>(
      session,
      'gateway-output-rules',
      outputStreamsTask('gateway-output-rules'),
    );
    await clearBenchPolicies(databaseUrl, redis, REDIS_PREFIX);
    await policiesInForce(gatewayOrigin, key.key, false);
    process.stderr.write('- every input detector on the 4 KB prompt, in process… ');
    const guardrailMicros = guardrailInputMicros(key.tenantId);
    process.stderr.write(`${guardrailMicros.toFixed(1)} µs per call\n`);

    // Observability (issue 16): the full chain just before, then the same gateway restarted with every request traced
    // (sampled at 1, exported over OTLP/HTTP to a local sink on the load side) and its request log line written.
    const observabilityBaseline = await measure<ThroughputResult>(session, 'gateway', againTask('gateway'));
    const sink = await startOtlpSink(await freePort(PREFERRED_PORTS.otlpSink));
    await gateway.stop();
    gateway = await startGateway({ ...gatewayEnv, ...tracedGatewayEnvironment(sink.origin) }, [], false);
    session.servers.gateway = gateway;
    await checkTarget('gateway-traced');
    const sinkBefore = await sink.stats();
    const logLinesBefore = gateway.outputLines();
    const tracedRun = await measure<ThroughputResult>(session, 'gateway-traced', againTask('gateway-traced'));
    const tracedLatency = await measure<LatencyResult>(session, 'gateway-traced', {
      kind: 'latency',
      title: `${TARGET_LABELS['gateway-traced']}: one connection`,
      target: target('gateway-traced', false),
      timeoutSeconds: 10,
      warmupSeconds: options.warmupSeconds,
      durationSeconds: options.latencyDurationSeconds,
    });
    // The batch processor exports every 5 s at most: wait for its last batch before counting.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const sinkAfter = await sink.stats();
    const observability: ReportInput['observability'] = {
      baseline: observabilityBaseline,
      row: tracedRun,
      latency: tracedLatency,
      spans: sinkAfter.spans - sinkBefore.spans,
      tracedRequests: sinkAfter.requests - sinkBefore.requests,
      exportedBytes: sinkAfter.bytes - sinkBefore.bytes,
      logLines: gateway.outputLines() - logLinesBefore,
    };
    await sink.server.stop();

    // The floor again at the end: the difference between the two direct rows is the machine's drift.
    const drift = await measure<ThroughputResult>(session, 'direct', {
      kind: 'throughput',
      title: `${TARGET_LABELS.direct}: throughput again (drift check)`,
      target: target('direct', false),
      connections: options.connections,
      timeoutSeconds: 10,
      ...timing,
    });
    await proxy.stop();

    // The stack as `npm start` runs it, in place of the benchmark's gateway on core 0, with the key that has limits.
    await gateway.stop();
    process.stderr.write('the stack as npm start runs it: its gateway and a worker\n');
    const stack = await startStack(stackPorts, databaseUrl, spoolDir);
    session.servers.stack = stack.gateway;
    session.worker = stack.worker;
    await checkTarget('stack');
    const stackRun = await measure<ThroughputResult>(
      session,
      'stack',
      {
        kind: 'throughput',
        title: `${TARGET_LABELS.stack}: throughput, ${options.connections} connections`,
        target: target('stack', false),
        connections: options.connections,
        timeoutSeconds: 10,
        ...timing,
      },
      true,
    );
    const stackOutput = { gateway: stack.gateway.outputLines(), worker: stack.worker.outputLines() };
    await stack.worker.stop();
    await stack.gateway.stop();
    session.worker = undefined;

    let profile: { summary: ProfileSummary; requestsPerSecond: number; file: string } | undefined;
    if (options.profile) {
      const profileDir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-bench-profile-'));
      gateway = await startGateway(gatewayEnv, [
        '--cpu-prof',
        '--cpu-prof-dir',
        profileDir,
        '--import',
        EXIT_NORMALLY_ON_SIGTERM,
      ]);
      session.servers.gateway = gateway;
      const profiled = await measure<ThroughputResult>(session, 'gateway', {
        kind: 'throughput',
        title: `${TARGET_LABELS.gateway}: throughput under --cpu-prof`,
        target: target('gateway', false),
        connections: options.connections,
        timeoutSeconds: 10,
        ...timing,
      });
      await gateway.stop();
      const file = readdirSync(profileDir)
        .filter((name) => name.endsWith('.cpuprofile'))
        .map((name) => path.join(profileDir, name))
        .sort((a, b) => statSync(b).size - statSync(a).size)[0];
      if (file === undefined) throw new Error(`the profiled gateway wrote no .cpuprofile into ${profileDir}`);
      profile = {
        summary: summariseCpuProfile(file, { top: 20, root: ROOT, window: profiled.window }),
        requestsPerSecond: profiled.result.requestsPerSecond,
        file,
      };
      process.stderr.write(`profile: ${file}\n`);
    }
    await stopAllServers();
    await loadGenerator.stop();

    process.stderr.write(`- memory per cached key (${formatNumber(options.keys)} keys, in process)… `);
    const memory = await measureKeyCacheMemory(options.keys, snapshotJson);
    process.stderr.write(`${formatNumber(memory.bytesPerKey)} B/key\n`);

    const report = buildReport({
      options,
      throughput,
      drift,
      latency,
      streams,
      stack: { row: stackRun, description: stack.description, outputLines: stackOutput },
      policies: { baseline: policyBaseline, row: policyRun, stageMicros: policyStage, ...policies },
      guardrails: {
        proxy: guardrailProxy,
        baseline: guardrailBaseline,
        row: guardrailRun,
        inputMicros: guardrailMicros,
        streams: { level: outputLevel, baseline: outputBaseline, row: outputRun },
      },
      observability,
      memory,
      profile,
      nestedLoggingUsec,
    });
    const facts = [
      `Date: ${startedAt.toISOString()}`,
      `Machine: \`nproc\` = ${os.availableParallelism()} (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), ` +
        `${formatBytes(os.totalmem())} RAM, ${os.type()}, Node ${process.version}; at start, other work kept ` +
        `${busyAtStart.toFixed(2)} cores busy (load average ${loadAverage.map((value) => value.toFixed(2)).join(' / ')}; ` +
        'the machine is shared)',
      process.argv.length > 2
        ? `Command: \`${COMMAND} ${process.argv.slice(2).join(' ')}\``
        : `Command: \`${COMMAND}\` (\`npm run bench:gateway\`)`,
      `Pinning (\`taskset\`): the process under test (gateway, or the bare proxy in its runs) on core ${CORES.underTest}; ` +
        `mock-provider and the load generator on core ${CORES.loadSide}. Load generator: its own process, ` +
        `autocannon ${autocannonVersion()} for throughput (${options.connections} connections, no pipelining), ` +
        'an undici client timing each request with `performance.now()` for one connection and for streams; ' +
        `${options.warmupSeconds} s warm-up (discarded) then ${options.durationSeconds} s per run ` +
        `(${options.latencyDurationSeconds} s at one connection, with a random pause under 1 ms before each request), ` +
        `all on ${LOOPBACK}`,
      `Upstream: \`node ${MOCK_MAIN}\`, MOCK_DELAY_MS=${MOCK_DELAY_MS} (before every answer), ` +
        `MOCK_CHUNKS=${STREAM_CHUNKS}, MOCK_CHUNK_DELAY_MS=${options.chunkDelayMs} (a stream lasts about ` +
        `${formatNumber(MOCK_DELAY_MS + (STREAM_CHUNKS - 1) * options.chunkDelayMs)} ms); request: a chat completion, ` +
        'two short messages',
      `Gateway: \`node ${GATEWAY_MAIN}\`, NODE_ENV=production, LOG_LEVEL=warn, database \`${DATABASE_NAME}\` ` +
        `(created, migrated, seeded; dropped at the end), Redis prefix \`${REDIS_PREFIX}\` (cleared); two tenants, each with an ` +
        'approved `demo-free` subscription and one live key: one subscription with its limits lifted by overrides ' +
        '(huge, checked on every request), the other with every limit removed (the `gateway, no limits` rows); ' +
        builds
          .map(
            (build) =>
              `${build.project} built ${build.builtAt.toISOString()}` +
              (build.newerSource === undefined ? '' : ` (**older than ${build.newerSource}**)`),
          )
          .join(', '),
      'Proxy: `bench/support/passthrough-proxy.ts`, `node:http` + one undici `Pool` (no connection limit), ' +
        'request and answer bodies streamed through, no auth',
      `Stack as \`npm start\` runs it: ${stack.description}`,
      `Redis by script: \`INFO commandstats\` read before and after each measured gateway throughput run (deltas, ` +
        'nothing reset); split by script with the slow log recording every command during the warm-up ' +
        `(\`slowlog-log-slower-than 0\`, the last 50,000 entries), each script's logged time less ` +
        `${nestedLoggingUsec.toFixed(2)} µs per command it ran (what logging one costs, measured at the start on a ` +
        'probe script), then scaled to the measured time per script call',
    ];

    process.stdout.write(`\n${report.sections.join('\n\n')}\n\n${report.reading.join('\n\n')}\n`);
    if (!options.printOnly) {
      await appendResults(path.join(ROOT, RESULTS_FILE), {
        title: `gateway, ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
        facts,
        table: report.sections.join('\n\n'),
        reading: report.reading,
      });
      process.stderr.write(`\nappended to ${RESULTS_FILE}\n`);
    }
    return report.failed ? 1 : 0;
  } finally {
    await stopAllServers();
    await clearRedisPrefix(redis, REDIS_PREFIX).catch(() => 0);
    await dropDatabase(databaseUrl).catch(() => undefined);
    await usageQueue.close().catch(() => undefined);
    redis.disconnect();
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

function measureKeyCacheMemory(keys: number, snapshotJson: string): Promise<KeyCacheMemory> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', KEY_CACHE_MEMORY, '--keys', String(keys)],
      {
        cwd: ROOT,
        env: { NODE_ENV: 'production', PATH: path.dirname(process.execPath) },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), MEMORY_TIMEOUT_MS);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(output) as KeyCacheMemory);
      else reject(new Error(`the memory run failed (exit code ${code}): ${errors.trim()}`));
    });
    child.stdin.end(snapshotJson);
  });
}

// ---------------------------------------------------------------------------------------------------------
// The report

interface ReportInput {
  options: Options;
  throughput: Measured<ThroughputResult>[];
  drift: Measured<ThroughputResult>;
  latency: Measured<LatencyResult>[];
  streams: { level: number; rows: Measured<StreamsResult>[] }[];
  stack: StackRun;
  /** The full chain's throughput with the benchmark's policy documents in force, and their size. */
  policies: {
    /** The full chain again, just before the documents were put in force. */
    baseline: Measured<ThroughputResult>;
    row: Measured<ThroughputResult>;
    stageMicros: number;
  } & BenchPolicies;
  /** The guardrails: every input detector on a 4 KB prompt, and the output rules on streams. */
  guardrails: {
    /** The bare proxy with the 4 KB prompt. */
    proxy: Measured<ThroughputResult>;
    /** The gateway with the 4 KB prompt and no document in force. */
    baseline: Measured<ThroughputResult>;
    row: Measured<ThroughputResult>;
    /** `PolicyStage.input` on the 4 KB prompt with every detector in force, in process (µs of CPU per call). */
    inputMicros: number;
    streams: { level: number; baseline: Measured<StreamsResult>; row: Measured<StreamsResult> };
  };
  /** Every request traced and logged, against the same gateway without, just before. */
  observability: {
    baseline: Measured<ThroughputResult>;
    row: Measured<ThroughputResult>;
    latency: Measured<LatencyResult>;
    /** Spans, OTLP/JSON bytes and request log lines over the traced runs (warm-ups included). */
    spans: number;
    /** Request spans received: the requests whose trace reached the sink. */
    tracedRequests: number;
    exportedBytes: number;
    logLines: number;
  };
  memory: KeyCacheMemory;
  profile: { summary: ProfileSummary; requestsPerSecond: number; file: string } | undefined;
  /** What logging one command costs the script that runs it (µs), measured apart on a probe script. */
  nestedLoggingUsec: number;
}

interface StackRun {
  row: Measured<ThroughputResult>;
  description: string;
  /** Lines each app logged over its whole life (start-up included) at `npm start`'s log level. */
  outputLines: { gateway: number; worker: number };
}

/** A Markdown table: the first `textColumns` columns left-aligned, the rest (numbers) right-aligned. */
function table(header: string[], rows: string[][], textColumns = 1): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, index) => (index < textColumns ? '---' : '--:')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

function rowOf<Result>(rows: Measured<Result>[], name: TargetName): Measured<Result> {
  const row = rows.find((candidate) => candidate.target === name);
  if (row === undefined) throw new Error(`no ${name} row`);
  return row;
}

/** The rows every scenario has. */
function byTarget<Result>(rows: Measured<Result>[]): Record<'direct' | 'proxy' | 'gateway', Measured<Result>> {
  return { direct: rowOf(rows, 'direct'), proxy: rowOf(rows, 'proxy'), gateway: rowOf(rows, 'gateway') };
}

/** The gateway with limits against the gateway without, as table rows (and the numbers the reading quotes). */
function costOfLimits(input: ReportInput) {
  const withLimits = { throughput: rowOf(input.throughput, 'gateway'), latency: rowOf(input.latency, 'gateway') };
  const without = {
    throughput: rowOf(input.throughput, 'gateway-no-limits'),
    latency: rowOf(input.latency, 'gateway-no-limits'),
  };
  const requestsPerSecond = (row: Measured<ThroughputResult>) => row.result.requestsPerSecond;
  const gatewayMicros = (row: Measured<ThroughputResult>) => microsecondsPer(row.cpu, requestsPerSecond(row)) ?? 0;
  const redisMicros = (row: Measured<ThroughputResult>) =>
    requestsPerSecond(row) === 0 ? 0 : (row.cpu.redis * 1e6) / requestsPerSecond(row);
  const row = (measure: string, withValue: number, withoutValue: number, format: (value: number) => string) => [
    measure,
    format(withValue),
    format(withoutValue),
    signed(withValue - withoutValue, format),
    relative(withValue, withoutValue),
  ];
  const latency = (row: Measured<LatencyResult>) => row.result.latency;
  const numbers = {
    requestsPerSecond: [requestsPerSecond(withLimits.throughput), requestsPerSecond(without.throughput)],
    gatewayMicros: [gatewayMicros(withLimits.throughput), gatewayMicros(without.throughput)],
    redisMicros: [redisMicros(withLimits.throughput), redisMicros(without.throughput)],
    p50: [latency(withLimits.latency).p50, latency(without.latency).p50],
    p99: [latency(withLimits.latency).p99, latency(without.latency).p99],
    other: [
      Math.max(withLimits.throughput.cpu.other, withLimits.latency.cpu.other),
      Math.max(without.throughput.cpu.other, without.latency.cpu.other),
    ],
  } as const;
  const [gatewayWith, gatewayWithout] = numbers.gatewayMicros;
  return {
    numbers,
    rows: [
      row(`throughput, ${input.options.connections} connections (req/s)`, ...numbers.requestsPerSecond, formatNumber),
      row('gateway CPU per request (µs, core 0)', ...numbers.gatewayMicros, formatNumber),
      row(
        'req/s one core could serve (10⁶ / µs)',
        gatewayWith === 0 ? 0 : 1e6 / gatewayWith,
        gatewayWithout === 0 ? 0 : 1e6 / gatewayWithout,
        formatNumber,
      ),
      row('Redis CPU per request (µs)', ...numbers.redisMicros, formatNumber),
      row('one connection, mean (ms)', latency(withLimits.latency).mean, latency(without.latency).mean, ms),
      row('one connection, p50 (ms)', ...numbers.p50, ms),
      row('one connection, p99 (ms)', ...numbers.p99, ms),
      [
        'other work during these runs (cores, the most of the two runs)',
        cores(numbers.other[0]),
        cores(numbers.other[1]),
        '–',
        '–',
      ],
    ],
  };
}

/** CPU time of the process under test per response, in µs. */
function microsecondsPer(cpu: CpuUse, perSecond: number): number | undefined {
  return cpu.underTest === undefined || perSecond === 0 ? undefined : (cpu.underTest * 1e6) / perSecond;
}

/** Cores of some process over a throughput run, as µs per response. */
const perResponse = (cores: number, row: Measured<ThroughputResult>) =>
  row.result.requestsPerSecond === 0 ? 0 : (cores * 1e6) / row.result.requestsPerSecond;

/** The Redis process's CPU per response (`/proc`): its commands, and reading and answering them. */
const redisMicrosPer = (row: Measured<ThroughputResult>) => perResponse(row.cpu.redis, row);

/** A script or command of the split, as the tables name it. */
const shareName = (share: RedisShare) => (share.source === 'gateway' ? share.name : `${share.source}: ${share.name}`);

/** Redis per request in one line: the process's CPU, its scripts' share, the biggest of them. */
function redisSummary(row: Measured<ThroughputResult>): string {
  const total = `Redis ${formatNumber(redisMicrosPer(row))} µs`;
  if (row.redis === undefined) return total;
  const biggest = row.redis.shares
    .filter((share) => share.source !== OTHER_CLIENTS && share.usecPerResponse >= 0.5)
    .slice(0, 4)
    .map((share) => `${shareName(share)} ${formatNumber(share.usecPerResponse)}`);
  return (
    `${total}, ${formatNumber(row.redis.scriptUsecPerResponse)} of them in scripts` +
    (biggest.length === 0 ? '' : `: ${biggest.join(', ')}`)
  );
}

/** Redis per request for each gateway throughput run: the process, its scripts, and the split by script. */
function redisSection(
  rows: Measured<ThroughputResult>[],
  proxy: Measured<ThroughputResult>,
  nestedLoggingUsec: number,
): string {
  const proxyMicros = microsecondsPer(proxy.cpu, proxy.result.requestsPerSecond) ?? 0;
  const label = (row: Measured<ThroughputResult>) =>
    row.target === 'gateway' ? 'gateway, every limit set' : TARGET_LABELS[row.target];
  const summary = [...rows, proxy].map((row) => {
    const micros = redisMicrosPer(row);
    const scripts = row.redis?.scriptUsecPerResponse;
    return [
      row.target === 'proxy' ? `${TARGET_LABELS.proxy} (nothing of its own: Redis's background)` : label(row),
      formatNumber(micros),
      proxyMicros === 0 ? '–' : `${(micros / proxyMicros).toFixed(2)} ×`,
      scripts === undefined ? '–' : formatNumber(scripts),
      row.redis === undefined ? '–' : row.redis.scriptCallsPerResponse.toFixed(2),
      scripts === undefined ? '–' : formatNumber(micros - scripts),
      row.redis === undefined ? '–' : percent(row.redis.otherClientsShare),
      row.redis === undefined ? '–' : row.redis.scale.toFixed(2),
    ];
  });
  const names = [...new Set(rows.flatMap((row) => (row.redis?.shares ?? []).map((share) => shareName(share))))];
  const split = names.map((name) => [
    name,
    ...rows.map((row) => {
      const share = row.redis?.shares.find((candidate) => shareName(candidate) === name);
      return share === undefined
        ? '–'
        : `${share.callsPerResponse.toFixed(2)} × ${share.usecPerCall.toFixed(1)} = ${share.usecPerResponse.toFixed(1)}`;
    }),
  ]);
  return (
    '**Redis per request** in the throughput runs (µs per response). "Redis CPU" is the redis-server process ' +
    '(`/proc`): its commands and the reading, parsing and answering of them, for every client of this (shared) ' +
    'Redis. "Scripts" is what `INFO commandstats` counted in EVALSHA and the like over the measured run (a script ' +
    "with the commands it runs), less other clients' share of the warm-up's sample. The rest is I/O, parsing, " +
    'replies, commands outside scripts, and other clients; it goes negative when commandstats, which times by the ' +
    "wall clock, counts time Redis spent waiting for its core. The ratio is to the proxy's CPU per request.\n\n" +
    table(
      [
        'run',
        'Redis CPU µs/req',
        "× the proxy's CPU/req",
        'scripts µs/req',
        'script calls/req',
        'outside scripts µs/req',
        "other clients' share of script time (sample)",
        'sample → measured scale',
      ],
      summary,
    ) +
    "\n\n**Redis by script** (calls per response × µs per call = µs per response; the split of the warm-up's slow-log " +
    `sample, each script's logged time less ${nestedLoggingUsec.toFixed(2)} µs per command it ran (the log's own ` +
    'cost, measured on a probe script), scaled to the measured calls and time per call (the "scale" above); a name ' +
    "without a prefix is the gateway's).\n\n" +
    table(['script or command', ...rows.map(label)], split)
  );
}

/** The stack's run next to the proxy's and the benchmark's gateway's, with the same ratios. */
/**
 * What the policy stage adds to the full chain: the same gateway and key with and without the documents in force,
 * the difference in CPU per request as a fraction of the bare proxy's CPU per request (issue 14's target).
 */
function policySection(
  policies: ReportInput['policies'],
  proxy: Measured<ThroughputResult>,
): { section: string; reading: string } {
  const gateway = policies.baseline;
  const micros = (row: Measured<ThroughputResult>) => microsecondsPer(row.cpu, row.result.requestsPerSecond) ?? 0;
  const [without, withPolicies, proxyMicros] = [micros(gateway), micros(policies.row), micros(proxy)];
  const added = withPolicies - without;
  const share = proxyMicros === 0 ? 0 : added / proxyMicros;
  const stageShare = proxyMicros === 0 ? 0 : policies.stageMicros / proxyMicros;
  // The in-process figure decides: the difference of two throughput runs moves by more than the stage costs.
  const met = stageShare <= POLICY_STAGE_OF_PROXY;
  const section = [
    `**Policy stage** (${policies.rules} access rules from the global, \`product:demo\` and tenant documents, ` +
      `${policies.entries} entries: models, ranges, windows; every call passes them all)`,
    '',
    table(
      ['', 'req/s', 'gateway CPU per request (µs, core 0)', 'other work (cores)'],
      [
        [
          `${TARGET_LABELS.gateway}, just before`,
          formatNumber(gateway.result.requestsPerSecond),
          formatNumber(without),
          cores(gateway.cpu.other),
        ],
        [
          TARGET_LABELS['gateway-policies'],
          formatNumber(policies.row.result.requestsPerSecond),
          formatNumber(withPolicies),
          cores(policies.row.cpu.other),
        ],
        [
          TARGET_LABELS.proxy,
          formatNumber(proxy.result.requestsPerSecond),
          formatNumber(proxyMicros),
          cores(proxy.cpu.other),
        ],
      ],
    ),
    '',
    `The policy stage alone, in process (\`PolicyStage.access\`, median of 15 rounds of 20,000 calls): ` +
      `${policies.stageMicros.toFixed(2)} µs per request, ${percent(stageShare)} of the bare proxy's CPU per request ` +
      `(target ≤ ${percent(POLICY_STAGE_OF_PROXY)}: ${met ? 'met' : '**missed**'}). Between the two throughput runs: ` +
      `${signed(added, formatNumber)} µs per request (${percent(share)} of the proxy's).`,
  ].join('\n');
  const reading =
    `The policy stage: ${policies.stageMicros.toFixed(2)} µs of CPU per request with ${policies.rules} rules of ` +
    `${policies.entries} entries in force, ${percent(stageShare)} of the bare proxy's ${formatNumber(proxyMicros)} µs ` +
    `(target ≤ ${percent(POLICY_STAGE_OF_PROXY)}, ${met ? 'met' : 'missed'}). The throughput runs with and without ` +
    `the documents, back to back on the same process, differ by ${signed(added, formatNumber)} µs per request; ` +
    'two throughput runs move by a few per cent between themselves, more than the stage costs, so the in-process ' +
    'figure is the one the target is read on.';
  return { section, reading };
}

/**
 * What the guardrails cost: every input detector on a 4 KB prompt (in process, and between two throughput runs of
 * the same gateway), against the bare proxy's CPU per request for the same prompt; and what the output rules add to
 * the time to first token of streams.
 */
function guardrailSection(
  guardrails: ReportInput['guardrails'],
  smallPromptProxy: Measured<ThroughputResult>,
): { section: string; reading: string } {
  const micros = (row: Measured<ThroughputResult>) => microsecondsPer(row.cpu, row.result.requestsPerSecond) ?? 0;
  const [proxyMicros, without, withDetectors] = [
    micros(guardrails.proxy),
    micros(guardrails.baseline),
    micros(guardrails.row),
  ];
  // The smaller of the two proxy figures is the stricter yardstick.
  const yardstick = Math.min(proxyMicros, micros(smallPromptProxy));
  const inputShare = yardstick === 0 ? 0 : guardrails.inputMicros / yardstick;
  const runShare = yardstick === 0 ? 0 : (withDetectors - without) / yardstick;
  const inputMet = inputShare <= GUARDRAIL_INPUT_OF_PROXY;
  const { level, baseline: streamsBefore, row: streamsWith } = guardrails.streams;
  const added = {
    p50: streamsWith.result.timeToFirstToken.p50 - streamsBefore.result.timeToFirstToken.p50,
    p99: streamsWith.result.timeToFirstToken.p99 - streamsBefore.result.timeToFirstToken.p99,
  };
  const ttftMet = added.p50 <= OUTPUT_RULES_ADDED_TTFT_MS;
  const section = [
    '**Guardrails** (every input detector in `log` on a 4 KB prompt: PII of every entity, prompt injection, a ' +
      'deny list of 20 patterns; then streams with PII redaction and a 20-pattern deny list on the answers)',
    '',
    table(
      ['', 'req/s', 'CPU per request (µs, core 0)', 'other work (cores)'],
      [guardrails.proxy, guardrails.baseline, guardrails.row].map((row) => [
        row.title.replace(/: throughput.*$/, ''),
        formatNumber(row.result.requestsPerSecond),
        formatNumber(micros(row)),
        cores(row.cpu.other),
      ]),
    ),
    '',
    table(
      ['', 'streams/s', 'TTFT p50 (ms)', 'TTFT p99 (ms)', 'other work (cores)'],
      [streamsBefore, streamsWith].map((row) => [
        row.title,
        formatNumber(row.result.streamsPerSecond),
        ms(row.result.timeToFirstToken.p50),
        ms(row.result.timeToFirstToken.p99),
        cores(row.cpu.other),
      ]),
    ),
    '',
    `Every input detector on the 4 KB prompt, in process (\`PolicyStage.input\`, median of 15 rounds of 500 ` +
      `calls): ${guardrails.inputMicros.toFixed(1)} µs per request, ${inputShare.toFixed(2)} × the bare proxy's CPU ` +
      `per request (${formatNumber(yardstick)} µs; target ≤ ${GUARDRAIL_INPUT_OF_PROXY} ×: ` +
      `${inputMet ? 'met' : '**missed**'}). Between the two gateway throughput runs: ` +
      `${signed(withDetectors - without, formatNumber)} µs per request (${runShare.toFixed(2)} × the proxy's). ` +
      `Output rules on ${level} concurrent streams: ${signedMs(added.p50)} ms TTFT p50, ${signedMs(added.p99)} ms ` +
      `p99 (target ≤ +${OUTPUT_RULES_ADDED_TTFT_MS} ms: ${ttftMet ? 'met' : '**missed**'}).`,
  ].join('\n');
  const reading =
    `The guardrails: every built-in input detector costs ${guardrails.inputMicros.toFixed(1)} µs of CPU on a 4 KB ` +
    `prompt, ${inputShare.toFixed(2)} × the bare proxy's CPU per request (target ≤ ${GUARDRAIL_INPUT_OF_PROXY} ×, ` +
    `${inputMet ? 'met' : 'missed'}); streamed output redaction moves the time to first token by ` +
    `${signedMs(added.p50)} ms at the median (target ≤ +${OUTPUT_RULES_ADDED_TTFT_MS} ms, ${ttftMet ? 'met' : 'missed'}).`;
  return { section, reading };
}

function observabilitySection(
  observability: ReportInput['observability'],
  untracedLatency: Measured<LatencyResult>,
): { section: string; reading: string } {
  const { baseline, row, latency } = observability;
  const micros = (measured: Measured<ThroughputResult>) =>
    microsecondsPer(measured.cpu, measured.result.requestsPerSecond) ?? 0;
  const added = micros(row) - micros(baseline);
  const share = micros(baseline) === 0 ? 0 : added / micros(baseline);
  const served = row.result.totalResponses + latency.result.totalResponses;
  const perRequest = (count: number) => (served === 0 ? '–' : (count / served).toFixed(2));
  const line = (throughputRow: Measured<ThroughputResult>, latencyRow: Measured<LatencyResult>) => [
    throughputRow.title.replace(/: throughput.*$/, ''),
    formatNumber(throughputRow.result.requestsPerSecond),
    formatNumber(micros(throughputRow)),
    ms(latencyRow.result.latency.p50),
    ms(latencyRow.result.latency.p99),
    cores(throughputRow.cpu.other),
  ];
  const section = [
    '**Observability** (the same gateway restarted with `OTEL_EXPORTER_OTLP_ENDPOINT` set to a local OTLP/HTTP sink ' +
      'on core 1, `GATEWAY_TRACE_SAMPLE_RATIO=1`, `LOG_LEVEL=info` so that its one request line is written to stdout; ' +
      'against the gateway without either, measured just before)',
    '',
    table(
      ['', 'req/s', 'CPU per request (µs, core 0)', 'p50 (ms)', 'p99 (ms)', 'other work (cores)'],
      [line(baseline, untracedLatency), line(row, latency)],
    ),
    '',
    `p50/p99 at one connection (the untraced row's from the full chain's latency run above). Over the two traced ` +
      `runs, warm-ups included, ${formatNumber(served)} responses: the sink received the traces of ` +
      `${formatNumber(observability.tracedRequests)} requests, ${formatNumber(observability.spans)} spans ` +
      `(${perRequest(observability.spans)} per response) in ${formatBytes(observability.exportedBytes)} of ` +
      `OTLP/JSON, and the gateway wrote ${formatNumber(observability.logLines)} log lines ` +
      `(${perRequest(observability.logLines)} per response). Tracing and the request log together: ` +
      `${signed(added, formatNumber)} µs of CPU per request (${signed(share * 100, (value) => value.toFixed(0))} %).`,
  ].join('\n');
  const reading =
    `Observability: tracing every request and writing its log line cost ${signed(added, formatNumber)} µs of the ` +
    `gateway's CPU per request (${signed(share * 100, (value) => value.toFixed(0))} % of the full chain); with ` +
    '`OTEL_EXPORTER_OTLP_ENDPOINT` unset, traces cost nothing, and a sample ratio below 1 scales the tracing part down.';
  return { section, reading };
}

function stackSection(stack: StackRun, proxy: Measured<ThroughputResult>, gateway: Measured<ThroughputResult>): string {
  const proxyMicros = microsecondsPer(proxy.cpu, proxy.result.requestsPerSecond) ?? 0;
  const ratio = (micros: number) => (proxyMicros === 0 ? '–' : `${(micros / proxyMicros).toFixed(2)} ×`);
  const row = (measured: Measured<ThroughputResult>, label: string) => {
    const underTest = microsecondsPer(measured.cpu, measured.result.requestsPerSecond) ?? 0;
    const worker = measured.cpu.worker === undefined ? undefined : perResponse(measured.cpu.worker, measured);
    const redis = redisMicrosPer(measured);
    const postgres = perResponse(measured.cpu.postgres, measured);
    const usage = measured.usageRowsPerResponse ?? measured.usageEventsPerResponse;
    return [
      label,
      formatNumber(measured.result.requestsPerSecond),
      `${(measured.result.requestsPerSecond / proxy.result.requestsPerSecond).toFixed(2)} ×`,
      `${measured.result.latencyP50Ms} / ${measured.result.latencyP99Ms}`,
      formatNumber(underTest),
      ratio(underTest),
      formatNumber(redis),
      ratio(redis),
      worker === undefined ? '–' : formatNumber(worker),
      formatNumber(postgres),
      formatNumber(underTest + redis + (worker ?? 0) + postgres),
      usage === undefined
        ? '–'
        : `${usage.toFixed(2)}${measured.usageRowsPerResponse === undefined ? ' queued' : ' rows'}`,
      `${percent(measured.cpu.core0)} / ${percent(measured.cpu.core1)}`,
      cores(measured.cpu.other),
    ];
  };
  return (
    `**The stack as \`npm start\` runs it**: ${stack.description}. Throughput, ${formatNumber(
      stack.row.result.requestsPerSecond * stack.row.result.durationSeconds,
    )} requests measured, next to the proxy and the benchmark's gateway (the key with every limit set). CPU is µs ` +
    "per response; ratios are to the proxy's CPU per request; usage is per response: jobs queued (no worker) or " +
    'rows the worker wrote to usage_events (counted once the queue was empty).\n\n' +
    table(
      [
        'target',
        'req/s',
        '× proxy',
        'p50 / p99 ms',
        'core-0 process µs/req',
        '× proxy',
        'Redis µs/req',
        '× proxy',
        'worker µs/req',
        'Postgres µs/req',
        'all of them µs/req',
        'usage / response',
        'busy: core 0 / core 1',
        'other work (cores)',
      ],
      [
        row(proxy, TARGET_LABELS.proxy),
        row(gateway, `${TARGET_LABELS.gateway}, as the benchmark runs it`),
        row(stack.row, TARGET_LABELS.stack),
      ],
    )
  );
}

function buildReport(input: ReportInput): { sections: string[]; reading: string[]; failed: boolean } {
  const { options, memory, profile } = input;
  const t = byTarget(input.throughput);
  const l = byTarget(input.latency);
  const sections: string[] = [];
  const reading: string[] = [];
  const all = [
    ...input.throughput,
    input.drift,
    ...input.latency,
    ...input.streams.flatMap((level) => level.rows),
    input.stack.row,
    input.policies.baseline,
    input.policies.row,
  ];
  const failures = all.flatMap((row) => problemsOf(row).map((problem) => `${row.title}: ${problem}`));

  // Throughput.
  const floor = (t.direct.result.requestsPerSecond + input.drift.result.requestsPerSecond) / 2;
  const throughputRow = (row: Measured<ThroughputResult>, label: string) => {
    const perRequest = microsecondsPer(row.cpu, row.result.requestsPerSecond);
    return [
      label,
      formatNumber(row.result.requestsPerSecond),
      percent(row.result.requestsPerSecond / floor),
      isGateway(row.target) ? percent(row.result.requestsPerSecond / t.proxy.result.requestsPerSecond) : '–',
      String(row.result.latencyP50Ms),
      String(row.result.latencyP99Ms),
      `${row.result.errors} / ${row.result.non2xx}`,
      perRequest === undefined ? '–' : formatNumber(perRequest),
      perRequest === undefined ? '–' : formatNumber(1e6 / perRequest),
      row.usageEventsPerResponse === undefined ? '–' : row.usageEventsPerResponse.toFixed(2),
      [row.cpu.underTest, row.cpu.mock, row.cpu.loadGenerator, row.cpu.redis, row.cpu.other].map(cores).join(' / '),
      `${percent(row.cpu.core0)} / ${percent(row.cpu.core1)}`,
    ];
  };
  sections.push(
    `**Throughput**: non-streamed chat completions, ${options.connections} connections.\n\n` +
      table(
        [
          'target',
          'req/s',
          'vs direct',
          'vs proxy',
          'p50 ms',
          'p99 ms',
          'errors / non-2xx',
          'CPU µs/req (core 0 process)',
          'req/s one core could serve (10⁶ / µs)',
          'usage events / response',
          'cores: under test / mock / load gen / Redis / other work',
          'busy: core 0 / core 1',
        ],
        [
          ...input.throughput.map((row) => throughputRow(row, TARGET_LABELS[row.target])),
          throughputRow(input.drift, 'direct again (drift check)'),
        ],
      ),
  );

  // One connection.
  const perRequest = (row: Measured<LatencyResult>) => {
    const microseconds = microsecondsPer(row.cpu, row.result.latency.count / row.result.durationSeconds);
    return microseconds === undefined ? '–' : formatNumber(microseconds);
  };
  const latencyRow = (row: Measured<LatencyResult>) => {
    const { latency } = row.result;
    const added = (versus: Measured<LatencyResult>) =>
      row.target === versus.target || (row.target === 'direct' && versus.target === 'proxy')
        ? '–'
        : `${signedMs(latency.p50 - versus.result.latency.p50)} / ${signedMs(latency.p99 - versus.result.latency.p99)}`;
    return [
      TARGET_LABELS[row.target],
      formatNumber(latency.count),
      ms(latency.mean),
      ms(latency.p50),
      ms(latency.p90),
      ms(latency.p99),
      ms(latency.max),
      added(l.direct),
      added(l.proxy),
      `${row.result.errors} / ${row.result.non2xx}`,
      perRequest(row),
      cores(row.cpu.other),
    ];
  };
  sections.push(
    '**Latency at one connection**: one request at a time, each timed in the load generator (ms).\n\n' +
      table(
        [
          'target',
          'requests',
          'mean',
          'p50',
          'p90',
          'p99',
          'max',
          'added p50 / p99 vs direct',
          'added p50 / p99 vs proxy',
          'errors / non-2xx',
          'CPU µs/req (core 0 process)',
          'other work (cores)',
        ],
        input.latency.map(latencyRow),
      ),
  );

  // The cost of the limits: the same gateway process and request, two subscriptions.
  const limitsCost = costOfLimits(input);
  sections.push(
    '**Cost of the limits on the hot path**: the gateway rows above, called with a key whose subscription has ' +
      'limits (lifted high, so every request runs one `admit` and one `settle` script and none is refused) and ' +
      'with a key whose subscription has none (no limit check, no Redis call for limits).\n\n' +
      table(['measure', 'with limits', 'without limits', 'cost of the limits', 'relative'], limitsCost.rows),
  );

  // Streams.
  for (const { level, rows } of input.streams) {
    const s = byTarget(rows);
    const streamRow = (row: Measured<StreamsResult>) => {
      const { timeToFirstToken: ttft } = row.result;
      const added = (versus: Measured<StreamsResult>) =>
        row.target === versus.target || (row.target === 'direct' && versus.target === 'proxy')
          ? '–'
          : `${signedMs(ttft.p50 - versus.result.timeToFirstToken.p50)} / ${signedMs(ttft.p99 - versus.result.timeToFirstToken.p99)}`;
      const perStream = microsecondsPer(row.cpu, row.result.streamsPerSecond);
      return [
        TARGET_LABELS[row.target],
        formatNumber(row.result.maxOpen),
        formatNumber(row.result.streamsPerSecond),
        ms(ttft.p50),
        ms(ttft.p90),
        ms(ttft.p99),
        ms(ttft.max),
        added(s.direct),
        added(s.proxy),
        ms(row.result.timeToHeaders.p50),
        `${row.result.errors} / ${row.result.non2xx} / ${row.result.malformed}`,
        perStream === undefined ? '–' : formatNumber(perStream),
        `${percent(row.cpu.core0)} / ${percent(row.cpu.core1)}`,
        cores(row.cpu.other),
      ];
    };
    sections.push(
      `**Streams, ${level} concurrent**: streamed chat completions, ${level} open at all times; time to first ` +
        'token (TTFT) = request sent → first body bytes (ms).\n\n' +
        table(
          [
            'target',
            'open (max seen)',
            'streams/s',
            'TTFT p50',
            'p90',
            'p99',
            'max',
            'added p50 / p99 vs direct',
            'added p50 / p99 vs proxy',
            'headers p50',
            'errors / non-2xx / no [DONE]',
            'CPU µs/stream (core 0 process)',
            'busy: core 0 / core 1',
            'other work (cores)',
          ],
          rows.map(streamRow),
        ),
    );
  }

  sections.push(
    `**Memory per cached key** (in process: the gateway's \`KeySnapshotCache\`, default options, filled with ` +
      `${formatNumber(memory.keys)} keys through its warm-from-Redis path, ${memory.keysPerTenant} keys per tenant, ` +
      `heap after full GCs).\n\n` +
      table(
        [
          'keys',
          'heap growth',
          'bytes per key',
          'marginal bytes per key',
          'of which the parsed snapshot',
          'snapshot JSON',
          'subscriptions × models',
        ],
        [
          [
            formatNumber(memory.keys),
            formatBytes(memory.heapDeltaBytes),
            formatNumber(memory.bytesPerKey),
            formatNumber(memory.marginalBytesPerKey),
            formatNumber(memory.snapshotBytes),
            `${formatNumber(memory.snapshotJsonBytes)} B`,
            `${memory.subscriptions} × ${memory.models}`,
          ],
        ],
      ),
  );

  // Redis, by script.
  const redisRows = [t.gateway, rowOf(input.throughput, 'gateway-no-limits'), input.stack.row];
  sections.push(redisSection(redisRows, t.proxy, input.nestedLoggingUsec));

  // The stack as npm start runs it, next to the proxy and the benchmark's gateway.
  sections.push(stackSection(input.stack, t.proxy, t.gateway));
  const policy = policySection(input.policies, t.proxy);
  sections.push(policy.section);
  reading.push(policy.reading);
  const guardrails = guardrailSection(input.guardrails, t.proxy);
  sections.push(guardrails.section);
  reading.push(guardrails.reading);
  const observability = observabilitySection(input.observability, rowOf(input.latency, 'gateway'));
  sections.push(observability.section);
  reading.push(observability.reading);

  // Targets.
  const proxyPerRequest = microsecondsPer(t.proxy.cpu, t.proxy.result.requestsPerSecond) ?? 0;
  const gatewayPerRequest = microsecondsPer(t.gateway.cpu, t.gateway.result.requestsPerSecond) ?? 0;
  const measuredRatio = t.gateway.result.requestsPerSecond / t.proxy.result.requestsPerSecond;
  const gatewaySaturated = t.gateway.cpu.core0 >= SATURATED;
  const loadSideSaturated = t.gateway.cpu.core1 >= SATURATED;
  const addedP50 = l.gateway.result.latency.p50 - l.proxy.result.latency.p50;
  const addedP99 = l.gateway.result.latency.p99 - l.proxy.result.latency.p99;
  const streamLevel =
    input.streams.find((level) => level.level === TARGETS.concurrentStreams) ??
    input.streams.reduce<(typeof input.streams)[number] | undefined>(
      (best, level) => (best === undefined || level.level > best.level ? level : best),
      undefined,
    );
  const streamRows = streamLevel === undefined ? undefined : byTarget(streamLevel.rows);
  const addedTtft =
    streamRows === undefined
      ? undefined
      : {
          p50: streamRows.gateway.result.timeToFirstToken.p50 - streamRows.proxy.result.timeToFirstToken.p50,
          p99: streamRows.gateway.result.timeToFirstToken.p99 - streamRows.proxy.result.timeToFirstToken.p99,
        };
  const verdict = (met: boolean, missedBy: string) => (met ? 'met' : `**missed** by ${missedBy}`);
  const times = (value: number) => `${value.toFixed(2)} ×`;
  /** A ratio needs responses in both runs: without, [measured, verdict] say so instead. */
  const unmeasured = (row: Measured<ThroughputResult>) =>
    row.result.requestsPerSecond > 0 && proxyPerRequest > 0
      ? undefined
      : ['not measured: a run had no responses', '**not measured**'];
  /** Gateway CPU per request against the proxy's: [measured, verdict]. */
  const gatewayCpu = (row: Measured<ThroughputResult>) => {
    const missing = unmeasured(row);
    if (missing !== undefined) return missing;
    const micros = microsecondsPer(row.cpu, row.result.requestsPerSecond) ?? 0;
    const ratio = proxyPerRequest === 0 ? 0 : micros / proxyPerRequest;
    return [
      `${times(ratio)} (${formatNumber(micros)} µs against ${formatNumber(proxyPerRequest)} µs)`,
      verdict(ratio <= TARGETS.gatewayCpuOfProxy, times(ratio - TARGETS.gatewayCpuOfProxy)),
    ];
  };
  /** Redis CPU per request against the proxy's CPU per request: [measured, verdict]. */
  const redisCpu = (row: Measured<ThroughputResult>) => {
    const missing = unmeasured(row);
    if (missing !== undefined) return missing;
    const micros = redisMicrosPer(row);
    const ratio = proxyPerRequest === 0 ? 0 : micros / proxyPerRequest;
    return [
      `${times(ratio)} (${redisSummary(row)})`,
      verdict(ratio <= TARGETS.redisCpuOfProxy, times(ratio - TARGETS.redisCpuOfProxy)),
    ];
  };
  /** Throughput against the proxy's, measured and by CPU per request (what one core could serve): [measured, verdict]. */
  const throughputOfProxy = (row: Measured<ThroughputResult>) => {
    const missing = unmeasured(row);
    if (missing !== undefined) return missing;
    const measured = row.result.requestsPerSecond / t.proxy.result.requestsPerSecond;
    const micros = microsecondsPer(row.cpu, row.result.requestsPerSecond) ?? 0;
    const byCpu = micros === 0 ? 0 : proxyPerRequest / micros;
    const lower = Math.min(measured, byCpu);
    return [
      `${times(measured)} measured (${formatNumber(row.result.requestsPerSecond)} against ` +
        `${formatNumber(t.proxy.result.requestsPerSecond)} req/s); ${times(byCpu)} by CPU per request`,
      verdict(lower >= TARGETS.throughputOfProxy, times(TARGETS.throughputOfProxy - lower)),
    ];
  };
  const notRun = ['not run (throughput only)', '–'];
  const noLimits = rowOf(input.throughput, 'gateway-no-limits');
  const targetRows: string[][] = [
    [
      `gateway CPU per request ≤ ${TARGETS.gatewayCpuOfProxy} × the proxy's, every limit set`,
      ...gatewayCpu(t.gateway),
      ...gatewayCpu(input.stack.row),
    ],
    [
      `gateway CPU per request ≤ ${TARGETS.gatewayCpuOfProxy} × the proxy's, no limits`,
      ...gatewayCpu(noLimits),
      'not run (the key with every limit only)',
      '–',
    ],
    [
      `Redis CPU per request (admit + settle + usage) ≤ ${TARGETS.redisCpuOfProxy} × the proxy's CPU per request, ` +
        'every limit set',
      ...redisCpu(t.gateway),
      ...redisCpu(input.stack.row),
    ],
    [
      `Redis CPU per request (usage) ≤ ${TARGETS.redisCpuOfProxy} × the proxy's CPU per request, no limits`,
      ...redisCpu(noLimits),
      'not run (the key with every limit only)',
      '–',
    ],
    [
      `throughput ≥ ${TARGETS.throughputOfProxy} × the proxy's (${options.connections} connections), every limit set`,
      ...throughputOfProxy(t.gateway),
      ...throughputOfProxy(input.stack.row),
    ],
    [
      `added latency at one connection, p50 ≤ +${TARGETS.addedP50Ms} ms over the proxy`,
      `${signedMs(addedP50)} ms (${ms(l.gateway.result.latency.p50)} against ${ms(l.proxy.result.latency.p50)} ms)`,
      verdict(addedP50 <= TARGETS.addedP50Ms, `${(addedP50 - TARGETS.addedP50Ms).toFixed(2)} ms`),
      ...notRun,
    ],
    [
      `added latency at one connection, p99 ≤ +${TARGETS.addedP99Ms} ms over the proxy`,
      `${signedMs(addedP99)} ms (${ms(l.gateway.result.latency.p99)} against ${ms(l.proxy.result.latency.p99)} ms)`,
      verdict(addedP99 <= TARGETS.addedP99Ms, `${(addedP99 - TARGETS.addedP99Ms).toFixed(2)} ms`),
      ...notRun,
    ],
    [
      `${TARGETS.concurrentStreams} concurrent streams, added TTFT p50 ≤ ${TARGETS.addedTimeToFirstTokenMs} ms over the proxy`,
      streamLevel === undefined || addedTtft === undefined || streamRows === undefined
        ? 'not run'
        : `${streamLevel.level} streams: ${signedMs(addedTtft.p50)} ms p50 (${signedMs(addedTtft.p99)} ms p99); ` +
          `${formatNumber(streamRows.gateway.result.maxOpen)} open at most`,
      streamLevel === undefined || addedTtft === undefined
        ? 'not run'
        : streamLevel.level < TARGETS.concurrentStreams
          ? `not shown: only ${streamLevel.level} streams were run`
          : verdict(
              addedTtft.p50 <= TARGETS.addedTimeToFirstTokenMs,
              `${(addedTtft.p50 - TARGETS.addedTimeToFirstTokenMs).toFixed(2)} ms`,
            ),
      ...notRun,
    ],
    [
      `≤ ${formatBytes(TARGETS.bytesPerCachedKey)} per cached key`,
      `${formatNumber(memory.bytesPerKey)} B (${formatNumber(memory.marginalBytesPerKey)} B marginal)`,
      verdict(
        memory.bytesPerKey <= TARGETS.bytesPerCachedKey,
        `${formatNumber(memory.bytesPerKey - TARGETS.bytesPerCachedKey)} B (${percent(memory.bytesPerKey / TARGETS.bytesPerCachedKey - 1)})`,
      ),
      '–',
      '–',
    ],
  ];
  sections.unshift(
    '**Targets** (issue 13: ratios to the bare proxy of this run; details in the tables below). "Benchmark" is ' +
      'the gateway as this benchmark runs it (NODE_ENV=production, LOG_LEVEL=warn, JSON logs); "`npm start`" is ' +
      'the gateway as `npm start` runs it, with its worker consuming the usage queue (Redis shared). CPU per ' +
      "request is the process's CPU time (every thread) over the measured run divided by its responses.\n\n" +
      table(['target', 'benchmark', 'verdict', '`npm start`', 'verdict'], targetRows, 5),
  );

  if (profile !== undefined) {
    sections.push(
      `**Profile of the gateway** under the throughput load (\`--cpu-prof\`, ${formatNumber(profile.requestsPerSecond)} req/s ` +
        `while profiled; the measured ${(profile.summary.totalMs / 1000).toFixed(1)} s only, ${(profile.summary.busyMs / 1000).toFixed(1)} s ` +
        'of them busy): self time by function; self time by where the code lives; then the total time of the ' +
        "gateway's own functions with what they call (synchronous time only: what runs after an `await` is on a " +
        'stack of its own, so a caller does not include it).\n\n' +
        `${profileTable(profile.summary.functions, 'functions')}\n\n${profileTable(profile.summary.areas, 'areas')}\n\n` +
        `${profileTable(profile.summary.ownCode, 'own code')}`,
    );
  }

  // Reading: what bounds each number.
  reading.push(
    `**Throughput.** The gateway served ${formatNumber(t.gateway.result.requestsPerSecond)} req/s ` +
      `(${percent(t.gateway.result.requestsPerSecond / floor)} of the direct floor, ${percent(measuredRatio)} of the bare proxy's ` +
      `${formatNumber(t.proxy.result.requestsPerSecond)}), using ${formatNumber(gatewayPerRequest)} µs of CPU per request ` +
      `against the proxy's ${formatNumber(proxyPerRequest)} µs. ` +
      (gatewaySaturated
        ? `Core 0 was saturated (${percent(t.gateway.cpu.core0)}): the gateway itself was the limit, and its CPU per ` +
          'request says what one core can serve. '
        : `Core 0 was not saturated (${percent(t.gateway.cpu.core0)}), so the gateway was not the limit of this run. `) +
      (loadSideSaturated
        ? `Core 1 was (${percent(t.gateway.cpu.core1)}): the mock (${cores(t.gateway.cpu.mock)} core) and the load generator ` +
          `(${cores(t.gateway.cpu.loadGenerator)}) share it, so the load side capped this run, and the CPU columns say ` +
          'what one core would serve.'
        : gatewaySaturated
          ? 'Core 1 was not.'
          : 'Neither core was saturated: the upstream latency (20 ms, timers firing in bursts) bounded the run.'),
  );
  const usage = t.gateway.usageEventsPerResponse ?? 0;
  reading.push(
    usage >= 0.95
      ? `**Usage events.** ${usage.toFixed(2)} usage events reached the BullMQ queue per gateway response in the ` +
          'throughput run: every request paid for its event (slightly above 1 because autocannon does not count ' +
          'the requests still in flight when a run stops, and the gateway records those too). No worker consumed ' +
          'the queue (the benchmark drains it between runs): the worker is not part of the request path.'
      : `**Usage events: only ${usage.toFixed(2)} per response reached the queue** in the throughput run, so the ` +
          'build measured did not record one per request (or spooled them to disk): the "full chain" was partial.',
  );
  reading.push(
    `**Latency at one connection.** Added to the direct p50 of ${ms(l.direct.result.latency.p50)} ms: ` +
      `${signedMs(l.proxy.result.latency.p50 - l.direct.result.latency.p50)} ms by the bare proxy, ` +
      `${signedMs(addedP50 + l.proxy.result.latency.p50 - l.direct.result.latency.p50)} ms by the gateway, so ` +
      `${signedMs(addedP50)} ms over the proxy (p99: ${signedMs(l.proxy.result.latency.p99 - l.direct.result.latency.p99)}, ` +
      `${signedMs(addedP99 + l.proxy.result.latency.p99 - l.direct.result.latency.p99)}, ${signedMs(addedP99)} ms). ` +
      "With one request in flight nothing queues: this is the chain's own time per " +
      'request on an otherwise idle core, plus a second loopback hop and, most likely, the wake-up of that idle ' +
      "(virtual) core for each request and each answer: the proxy's row is that floor, which the targets subtract." +
      ' (The CPU column of this table counts what the process did in the background too, spread over only ' +
      `${formatNumber(l.gateway.result.latency.count / l.gateway.result.durationSeconds)} requests a second: it is not ` +
      'the cost of a request.) Each row has ' +
      `${formatNumber(l.gateway.result.latency.count)} samples; the mock's 20 ms timer jitters by a fraction of a ` +
      'millisecond, which the p99 differences carry.',
  );
  const cost = limitsCost.numbers;
  const [rpsWith, rpsWithout] = cost.requestsPerSecond;
  const [cpuWith, cpuWithout] = cost.gatewayMicros;
  const [redisWith, redisWithout] = cost.redisMicros;
  reading.push(
    '**Cost of the limits.** With limits, each request runs one `admit` script in Redis before the upstream call ' +
      '(every limit of the subscription: the RPM and TPM buckets, a concurrency lease, the token and call quotas, ' +
      'the budget) and one `settle` once its response has closed. That took ' +
      `${signed(cpuWith - cpuWithout, formatNumber)} µs of the gateway's CPU per request (${formatNumber(cpuWith)} ` +
      `against ${formatNumber(cpuWithout)} µs, ${relative(cpuWith, cpuWithout)}) and ` +
      `${signed(redisWith - redisWithout, formatNumber)} µs of Redis's (${formatNumber(redisWith)} against ` +
      `${formatNumber(redisWithout)}); throughput went from ${formatNumber(rpsWithout)} to ${formatNumber(rpsWith)} ` +
      `req/s (${relative(rpsWith, rpsWithout)}). At one connection the p50 moved by ` +
      `${signedMs(cost.p50[0] - cost.p50[1])} ms and the p99 by ${signedMs(cost.p99[0] - cost.p99[1])} ms: the ` +
      "admit is a Redis round trip on the request's path, awaited before the upstream call; the settle runs after " +
      "the response was sent, off the client's clock. CPU per request is the steadier of these numbers: throughput " +
      'also moves with the load side and with other work on the machine, and the one-connection p99 with the ' +
      "mock's timer.",
  );
  reading.push(redisReading(redisRows));
  reading.push(stackReading(input.stack, t.gateway, proxyPerRequest));
  for (const { level, rows } of input.streams) {
    const s = byTarget(rows);
    const direct = s.direct.result.timeToFirstToken;
    const gateway = s.gateway.result.timeToFirstToken;
    const proxy = s.proxy.result.timeToFirstToken;
    const queued = gateway.p50 - direct.p50 > 100;
    reading.push(
      `**${level} streams.** TTFT p50 ${ms(direct.p50)} ms direct, ${ms(proxy.p50)} ms through the proxy, ` +
        `${ms(gateway.p50)} ms through the gateway (p99 ${ms(direct.p99)} / ${ms(proxy.p99)} / ${ms(gateway.p99)}): ` +
        `${signedMs(gateway.p50 - proxy.p50)} ms p50 over the proxy; ` +
        `${formatNumber(s.gateway.result.streamsPerSecond)} streams/s completed through the gateway against ` +
        `${formatNumber(s.direct.result.streamsPerSecond)} direct. ` +
        (queued
          ? `The gateway's added TTFT is about one stream's length (~${formatNumber(MOCK_DELAY_MS + (STREAM_CHUNKS - 1) * options.chunkDelayMs)} ms), ` +
            'not CPU: a stream holds its upstream connection until it ends, and the gateway opens at most ' +
            "`GATEWAY_UPSTREAM_CONNECTIONS` per origin, so streams beyond that wait in undici's queue for one to free up. " +
            `Core 0 was ${percent(s.gateway.cpu.core0)} busy.`
          : `Core 0 was ${percent(s.gateway.cpu.core0)} busy during the gateway run.`),
    );
  }
  reading.push(
    `**Memory.** ${formatNumber(memory.bytesPerKey)} bytes of heap per cached key with the cache full ` +
      `(${formatNumber(memory.keys)} keys), ${formatNumber(memory.marginalBytesPerKey)} per additional key; the snapshot ` +
      `is ${formatNumber(memory.snapshotJsonBytes)} bytes as JSON. The parsed snapshot alone (ids, dates as ISO strings, ` +
      `each subscription's resolved limits and model list) takes ${formatNumber(memory.snapshotBytes)} bytes; the rest, ` +
      `${formatNumber(memory.bytesPerKey - memory.snapshotBytes)}, is the entry's 64-character hash key, the LRU's slot ` +
      'and TTL bookkeeping and the tenant index entry. Measured in process rather than in the running gateway: filling a ' +
      'live gateway with 10,000 keys would need 10,000 keys in the database and 10,000 cold requests, and its heap ' +
      'also moves with load; the class, its options and the snapshots are the same.',
  );
  if (profile !== undefined) {
    const [first, second, third] = profile.summary.areas;
    reading.push(
      `**Profile.** Under load the gateway's busy time went mostly to ${[first, second, third]
        .filter((area) => area !== undefined)
        .map((area) => `${area.name} (${area.percent.toFixed(0)} %)`)
        .join(', ')}. The top functions by self time are in the table above. The whole profile was left in a ` +
        `temporary file, \`${profile.file}\` (Chrome DevTools or speedscope open it), not in the repository.`,
    );
  }
  const disturbed = all.filter((row) => row.cpu.other >= DISTURBED);
  const repeated = all.filter((row) => row.attempts > 1).length;
  reading.push(
    (repeated === 0
      ? ''
      : `${repeated} of ${all.length} runs were disturbed by other work (${DISTURBED} cores or more) and made again ` +
        `(at most ${options.retries} more ${options.retries === 1 ? 'time' : 'times'}); the least disturbed attempt ` +
        'is shown. ') +
      (disturbed.length === 0
        ? `Other work on the machine stayed under ${DISTURBED} of a core in every run shown (last columns).`
        : `**The machine was shared and busy:** other processes still took ${DISTURBED} cores or more during ` +
          `${disturbed.length} of ${all.length} runs shown (${disturbed
            .map((row) => `${row.title}: ${cores(row.cpu.other)}`)
            .join('; ')}); unpinned, they ran on both cores and took time from whatever was pinned there, so ` +
          'those rows are low. The CPU-per-request columns depend far less on it.'),
  );
  reading.push(
    `The direct floor ran first and last: ${formatNumber(t.direct.result.requestsPerSecond)} then ` +
      `${formatNumber(input.drift.result.requestsPerSecond)} req/s ` +
      `(${signedMs((100 * (input.drift.result.requestsPerSecond - t.direct.result.requestsPerSecond)) / t.direct.result.requestsPerSecond)} %).`,
  );
  reading.push(
    failures.length === 0
      ? 'No connection errors, timeouts, non-2xx responses or streams without `[DONE]` in any run, warm-ups ' +
          'included; each target was also checked once (streamed and not) for a well-formed answer before the load.'
      : `**FAILED:** ${failures.join('; ')}.`,
  );
  return { sections, reading, failed: failures.length > 0 };
}

/** What Redis spent per request, where, and how far the split can be trusted. */
function redisReading(rows: Measured<ThroughputResult>[]): string {
  const [withLimits, withoutLimits, stack] = rows;
  if (withLimits === undefined || withoutLimits === undefined || stack === undefined) return '';
  const scripts = (row: Measured<ThroughputResult>) => row.redis?.scriptUsecPerResponse ?? 0;
  const share = (row: Measured<ThroughputResult>, name: string) =>
    row.redis?.shares.find((candidate) => candidate.source === 'gateway' && candidate.name === name);
  const perCall = (row: Measured<ThroughputResult>, name: string) => {
    const found = share(row, name);
    return found === undefined
      ? `no \`${name}\``
      : `\`${name}\` ${found.usecPerCall.toFixed(1)} µs × ${found.callsPerResponse.toFixed(2)}`;
  };
  // A scale far from 1 says the warm-up and the measured run differed (a machine that got busier or quieter).
  const doubtful = rows.filter(
    (row) =>
      row.redis !== undefined &&
      (row.redis.otherClientsShare > 0.05 || row.redis.scale < 0.75 || row.redis.scale > 1 / 0.75),
  );
  return (
    `**Redis.** With every limit set, Redis spent ${formatNumber(redisMicrosPer(withLimits))} µs of CPU per request, ` +
    `${formatNumber(scripts(withLimits))} of them in scripts (${perCall(withLimits, 'admit')}, ` +
    `${perCall(withLimits, 'settle')}, ${perCall(withLimits, 'BullMQ addStandardJob')} per request); without limits ` +
    `${formatNumber(redisMicrosPer(withoutLimits))} µs, ${formatNumber(scripts(withoutLimits))} in scripts: the usage ` +
    "events alone (one BullMQ `addStandardJob` each, pipelined in the recorder's batches). By difference, which " +
    `needs no sample, the limits' scripts took ${formatNumber(scripts(withLimits) - scripts(withoutLimits))} µs per ` +
    'request and the limits all told ' +
    `${formatNumber(redisMicrosPer(withLimits) - redisMicrosPer(withoutLimits))} µs of Redis's CPU. With the worker ` +
    'consuming (the stack), ' +
    `${formatNumber(redisMicrosPer(stack))} µs, as BullMQ's consuming scripts run there too. What is not in scripts ` +
    "is Redis reading, parsing and answering commands: per command more than per script's work, which is why " +
    'batching and pipelining (one write for many scripts) pay there. The split by script comes from the warm-up; ' +
    (doubtful.length === 0
      ? 'its scale to the measured run stayed within 0.75–1.33 and other clients ran under 5 % of the sampled ' +
        'script time, so the split describes the measured run.'
      : `**in the run of ${doubtful.map((row) => TARGET_LABELS[row.target]).join(', ')} it is less sure**: other ` +
        'clients of the shared Redis ' +
        'ran more than 5 % of the sampled script time, or its scale to the measured run was outside 0.75–1.33, ' +
        "so the warm-up and the measured run differed (machine load moves Redis's wall-clock timings): " +
        'read its split as rough proportions, and the difference between the two gateway rows for the limits.')
  );
}

/** What the stack as `npm start` runs it costs, against the benchmark's gateway and the proxy. */
function stackReading(stack: StackRun, gateway: Measured<ThroughputResult>, proxyMicros: number): string {
  const { row } = stack;
  const gatewayMicros = microsecondsPer(row.cpu, row.result.requestsPerSecond) ?? 0;
  const benchmarkMicros = microsecondsPer(gateway.cpu, gateway.result.requestsPerSecond) ?? 0;
  const worker = perResponse(row.cpu.worker ?? 0, row);
  const postgres = perResponse(row.cpu.postgres, row);
  const redis = redisMicrosPer(row);
  const rows = row.usageRowsPerResponse ?? 0;
  return (
    `**As \`npm start\` runs it.** The stack served ${formatNumber(row.result.requestsPerSecond)} req/s ` +
    `(${(row.result.requestsPerSecond / gateway.result.requestsPerSecond).toFixed(2)} × the benchmark's gateway). ` +
    `Its gateway used ${formatNumber(gatewayMicros)} µs of CPU per request ` +
    `(${proxyMicros === 0 ? '–' : (gatewayMicros / proxyMicros).toFixed(2)} × the proxy's) against ` +
    `${formatNumber(benchmarkMicros)} µs as the benchmark runs it (${relative(gatewayMicros, benchmarkMicros)}): ` +
    "the difference is npm start's configuration (NODE_ENV, log level and a pino-pretty thread) and a Redis and a " +
    `core 1 that the worker shares. The worker used ${formatNumber(worker)} µs per request, Postgres ` +
    `${formatNumber(postgres)}, Redis ${formatNumber(redis)}: ${formatNumber(gatewayMicros + worker + postgres + redis)} µs ` +
    'of CPU in all for one request through the whole platform. ' +
    (rows >= 0.95
      ? `The worker wrote ${rows.toFixed(2)} usage rows per response (warm-up included) once the queue was empty: ` +
        'every request reached the database. '
      : `**Only ${rows.toFixed(2)} usage rows per response reached the database** once the queue was empty. `) +
    `Over their whole lives the gateway logged ${formatNumber(stack.outputLines.gateway)} lines and the worker ` +
    `${formatNumber(stack.outputLines.worker)} at npm start's log level.` +
    (row.cpu.core1 >= SATURATED
      ? ` Core 1 (mock, load generator and worker) was saturated (${percent(row.cpu.core1)}): the load side capped ` +
        "this run, and the gateway's CPU per request says what one core would serve."
      : '')
  );
}

function autocannonVersion(): string {
  const manifest = z
    .object({ version: z.string() })
    .parse(JSON.parse(readFileSync(path.join(ROOT, 'node_modules/autocannon/package.json'), 'utf8')));
  return manifest.version;
}

// ---------------------------------------------------------------------------------------------------------

runBenchSession({
  readOptions,
  // Bounded: every run plus the streams' drain, the margin, and the builds if there are any.
  budgetMs: (options) => {
    const { warmupSeconds, durationSeconds } = options;
    // Throughput and one connection: 4 targets; streams: 3; the policy stage's two; the drift check; the stack; the
    // profile.
    const runs = 4 + 3 * options.streamLevels.length + 2 + 1 + 1 + (options.profile ? 1 : 0);
    const latencyMs = 4 * (warmupSeconds + options.latencyDurationSeconds) * 1000;
    const streamDrainMs = options.streamLevels.length * 3 * (MOCK_DELAY_MS + STREAM_CHUNKS * options.chunkDelayMs);
    const missing = BUILDS.filter((project) => options.build || !existsSync(path.join(ROOT, builtMain(project))));
    return (
      (1 + options.retries) *
        (runs * (warmupSeconds + durationSeconds) * 1000 + latencyMs + streamDrainMs + STACK_INGEST_TIMEOUT_MS) +
      SESSION_MARGIN_MS +
      missing.length * BUILD_TIMEOUT_MS
    );
  },
  main,
  killNow: () => {
    killLoadGeneratorsNow();
    restoreSlowlogNow(ROOT);
  },
  interrupted: 'stopping the servers',
});
