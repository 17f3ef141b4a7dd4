/**
 * Ingestion benchmark of the worker: how many usage events one worker process, pinned to one core, writes per second
 * into usage_events and the minute/hour/day rollups, and where its time goes. Events travel as the gateway sends
 * them: in `usage.batch` jobs of 200 (its default batch). The project's target is 25,000 events/s on one core, well
 * above the gateway's peak (~4,000 requests/s on one core).
 *
 * - drain: N events are enqueued (JobProducer.enqueueBulk) while no worker runs, then the built worker
 *   (`node dist/worker/apps/worker/src/main.js`, `taskset -c 0`) is started and timed from its /healthz answering
 *   until the queue is empty; once per batch size × concurrency;
 * - baselines, the same N events: a bare BullMQ Worker with a no-op processor at the same jobs in hand (what the
 *   queue costs), and the worker's ingestion repository called directly with batches of the same size (what the
 *   SQL costs); each in a process of its own on core 0;
 * - sustained: the worker with its default settings while events are enqueued at a fixed rate (the gateway's peak
 *   by default): end-to-end lag of sampled events (from their occurredAt until their row exists), and the backlog;
 * - profile: the best configuration again under `--cpu-prof`, summarised: where the worker's time goes.
 *
 * Every run must ingest each event exactly once and leave every rollup equal to the sum of its raw rows (checked
 * in SQL); the benchmark exits 1 otherwise. Throughput is reported against the target, not gated on. Prints
 * Markdown tables and appends them to bench/RESULTS.md.
 *
 *   npx tsx bench/worker-ingestion.bench.ts [--events 200000] [--batch-sizes 100,200,500,1000] [--concurrency 2,4]
 *     [--rate 4000] [--duration 20] [--retries 1] [--worker-node-flags "…"] [--skip-baselines] [--skip-profile] [--build] [--print-only]
 */
import { DEFAULT_REDIS_URL, parseConfig, workerConfigSchema } from '@gatehouse/config';
import { createPrismaClient, Prisma, type DbClient } from '@gatehouse/db';
import { JobName, JobProducer, QueueName, type UsageBatchV1, type UsageRecordedV1 } from '@gatehouse/jobs';
import { queuePrefix } from '@gatehouse/redis';
import { type Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { usageJobLimits } from '../apps/worker/src/usage/usage-ingestion.service';
import { builtMain } from '../scripts/stack/stack-apps';
import { ensureBuilt, type AppBuild } from './support/app-build';
import { clearRedisPrefix, createBenchDatabase, createBenchKey, localRedisPid } from './support/bench-database';
import { CpuSample, pinThisProcess, pinned, ProcessGroupCpu, tasksetPath } from './support/cpu-pinning';
import { profileTable, summariseCpuProfile, type ProfileSummary } from './support/cpu-profile-summary';
import { killIpcChildrenNow, startIpcChild } from './support/ipc-child';
import { machineBusyCores } from './support/load-run';
import { appendResults, formatBytes, formatNumber, textTable } from './support/results-report';
import { runBenchSession } from './support/bench-session';
import { freePort, LOOPBACK, startServer, stopAllServers, type ServerProcess } from './support/server-process';
import { toolEnvironment } from './support/tool-run';
import { loadUsageFixture, usageEventMaker, type UsageFixture } from './support/usage-events';

const ROOT = path.resolve(__dirname, '..');
const WORKER_MAIN = builtMain('worker');
/** What the worker's build compiles, read from its `swc <directories> -d …` command: a newer file there means dist is stale. */
const WORKER_BUILD: AppBuild = {
  project: 'worker',
  main: WORKER_MAIN,
  sources: buildSources('apps/worker/project.json'),
};
const BULLMQ_DRAIN = 'bench/support/bullmq-drain.ts';
const INGEST_DIRECT = 'bench/support/usage-ingest-direct.ts';
const RESULTS_FILE = 'bench/RESULTS.md';
const COMMAND = 'npx tsx bench/worker-ingestion.bench.ts';

/** The benchmark's own database and Redis prefix: dropped and cleared at the start, never the dev ones. */
const DATABASE_NAME = 'gatehouse_bench_worker';
const REDIS_PREFIX = 'gatehouse-bench-worker';
const PREFERRED_PORT = 18390;
/** The process under test has core 0; this process (producing, polling) moves to core 1. */
const CORES = { underTest: 0, benchmark: 1 };

/** The project's target, for one worker process on one core (issue 13: batched usage jobs). */
const TARGET_EVENTS_PER_SECOND = 25_000;
/** Tenants of the fixture (each with a subscription to the demo product and a key). */
const TENANTS = 6;
/** Events per `usage.batch` job: the gateway's default batch (GATEWAY_USAGE_BATCH_SIZE), full under load. */
const EVENTS_PER_JOB = 200;
/** Events per enqueueBulk when pre-loading: one MULTI of 5 jobs each. */
const PRELOAD_CHUNK = 1_000;
/** The gateway's usage recorder sends what it collected every 50 ms; the sustained producer does the same. */
const PRODUCER_TICK_MS = 50;
const QUEUE_POLL_MS = 50;
/** How often the sustained run looks for its sampled request ids: the resolution of its lag. */
const LAG_POLL_MS = 20;
const BACKLOG_POLL_MS = 500;
/** A core busier than this was the limit of a run. */
const SATURATED = 0.9;
/** Other processes' CPU, in cores, from which a run is called disturbed. */
const DISTURBED = 0.25;

const READY_TIMEOUT_MS = 30_000;
/** A drain slower than this many events/s is broken, not slow: the run gives up (and fails). */
const SLOWEST_EVENTS_PER_SECOND = 500;
const SESSION_MARGIN_MS = 5 * 60_000;

interface Options {
  events: number;
  batchSizes: number[];
  concurrencies: number[];
  rate: number;
  durationSeconds: number;
  baselines: boolean;
  /** Extra flags for the worker's node (e.g. `--max-semi-space-size=64`): tuning tried without a code change. */
  workerNodeFlags: string[];
  /** Times a run disturbed by other work on the machine is repeated. */
  retries: number;
  profile: boolean;
  build: boolean;
  printOnly: boolean;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '200000' },
      'batch-sizes': { type: 'string', default: '100,200,500,1000' },
      concurrency: { type: 'string', default: '2,4' },
      rate: { type: 'string', default: '4000' },
      duration: { type: 'string', default: '20' },
      'skip-baselines': { type: 'boolean', default: false },
      retries: { type: 'string', default: '1' },
      'worker-node-flags': { type: 'string', default: '' },
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
  const list = (name: string, value: string, min: number, max: number) => [
    ...new Set(value.split(',').map((item) => bounded(name, item.trim(), min, max))),
  ];
  return {
    events: bounded('events', values.events, 1_000, 2_000_000),
    // The worker's own bounds (WORKER_USAGE_BATCH_SIZE, WORKER_USAGE_CONCURRENCY).
    batchSizes: list('batch-sizes', values['batch-sizes'], 1, 5_000),
    concurrencies: list('concurrency', values.concurrency, 1, 64),
    rate: bounded('rate', values.rate, 1, 100_000),
    durationSeconds: bounded('duration', values.duration, 1, 600),
    baselines: !values['skip-baselines'],
    retries: bounded('retries', values.retries, 0, 3),
    workerNodeFlags: values['worker-node-flags'].split(/\s+/).filter((flag) => flag !== ''),
    profile: !values['skip-profile'],
    build: values.build,
    printOnly: values['print-only'],
  };
}

// ---------------------------------------------------------------------------------------------------------
// The session's shared state

interface Context {
  options: Options;
  databaseUrl: string;
  db: DbClient;
  redis: Redis;
  redisPid: number | undefined;
  producer: JobProducer;
  queue: Queue;
  fixture: UsageFixture;
  workerPort: number;
}

/** Pre-loaded events are spread as if the gateway had sent them at its peak until now: realistic minute buckets. */
const PRELOAD_SPACING_MS = 1000 / 4_000;

/** Empties the tables and the prefix between runs, so that each starts alike and its counts are exact. */
async function reset(context: Context): Promise<void> {
  await context.db.$executeRawUnsafe('TRUNCATE usage_events, usage_rollups');
  await clearRedisPrefix(context.redis, REDIS_PREFIX);
}

/** `events` as the gateway's recorder sends them: `usage.batch` jobs of EVENTS_PER_JOB, each under a fresh id. */
function batchesOf(events: UsageRecordedV1[], idPrefix: string): UsageBatchV1[] {
  const batches: UsageBatchV1[] = [];
  for (let start = 0; start < events.length; start += EVENTS_PER_JOB) {
    const first = events[start]?.requestId ?? String(start);
    batches.push({ version: 1, batchId: `${idPrefix}-${first}`, events: events.slice(start, start + EVENTS_PER_JOB) });
  }
  return batches;
}

/** Enqueues `events` in one round trip; resolves with the number of jobs. */
async function enqueueBatches(context: Context, events: UsageRecordedV1[], idPrefix: string): Promise<number> {
  const batches = batchesOf(events, idPrefix);
  await context.producer.enqueueBulk(JobName.UsageBatch, batches, (batch) => batch.batchId);
  return batches.length;
}

/** Enqueues `count` events with unique request ids, in batch jobs as the gateway does; returns events/s. */
async function preload(context: Context, count: number, idPrefix: string): Promise<number> {
  const make = usageEventMaker(context.fixture, idPrefix);
  const firstAt = Date.now() - count * PRELOAD_SPACING_MS;
  const startedAt = performance.now();
  let jobs = 0;
  for (let start = 0; start < count; start += PRELOAD_CHUNK) {
    const events = [];
    for (let index = start; index < Math.min(count, start + PRELOAD_CHUNK); index++) {
      events.push(make(index, new Date(firstAt + index * PRELOAD_SPACING_MS)));
    }
    jobs += await enqueueBatches(context, events, 'batch');
  }
  const waiting = await context.queue.getWaitingCount();
  if (waiting !== jobs) throw new Error(`pre-loaded ${count} events in ${jobs} jobs, but ${waiting} jobs are waiting`);
  return count / ((performance.now() - startedAt) / 1000);
}

/** Resolves true once no usage job is waiting, active or delayed (a job completes after its batch committed). */
async function waitUntilDrained(queue: Queue, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized');
    if (Object.values(counts).every((count) => count === 0)) return true;
    await sleep(QUEUE_POLL_MS);
  }
  return false;
}

const drainTimeoutMs = (events: number) => 30_000 + (events / SLOWEST_EVENTS_PER_SECOND) * 1000;

// ---------------------------------------------------------------------------------------------------------
// CPU over a measured window

interface Used {
  seconds: number;
  /** CPU seconds over the window. */
  underTest: number;
  postgres: number;
  redis: number;
  /** Busy fraction of core 0. */
  core0: number;
  /** Cores used by everything else on the (shared) machine: what the measured processes did not get. */
  other: number;
  /** The window on the monotonic clock (µs) that V8's CPU profiles use. */
  window: { fromUs: number; toUs: number };
}

/**
 * Postgres's own processes (postmaster, writers, checkpointer) and the backends and autovacuum workers of the
 * benchmark's database; other databases' backends (other people's tests on a shared machine) are other work.
 */
function ownPostgres(commandLine: string): boolean {
  if (new RegExp(`\\s${DATABASE_NAME}(\\s|$)`).test(commandLine)) return true;
  return !/\(\d+\)|\[local\]|autovacuum worker/.test(commandLine);
}

function startWindow(context: Context, pid: number): () => Used {
  const pids: Record<string, number> = { underTest: pid, self: process.pid };
  if (context.redisPid !== undefined) pids.redis = context.redisPid;
  const sample = CpuSample.take(pids);
  const postgres = ProcessGroupCpu.take('postgres', ownPostgres);
  const fromUs = monotonicMicroseconds();
  return () => {
    const used = sample.since();
    const postgresSeconds = postgres.secondsSince();
    const cores = (name: string) => used.processes[name] ?? 0;
    const allCores = used.cores.reduce((sum, core) => sum + core, 0);
    return {
      seconds: used.seconds,
      underTest: cores('underTest') * used.seconds,
      postgres: postgresSeconds,
      redis: cores('redis') * used.seconds,
      core0: used.cores[CORES.underTest] ?? 0,
      other: Math.max(
        0,
        allCores - cores('underTest') - cores('redis') - cores('self') - postgresSeconds / used.seconds,
      ),
      window: { fromUs, toUs: monotonicMicroseconds() },
    };
  };
}

// ---------------------------------------------------------------------------------------------------------
// Checks

interface Ingested {
  events: number;
  priced: number;
  rollupRows: number;
  /** Rollup rows that differ from the sums of their raw rows (or exist on one side only). */
  mismatched: number;
  failedJobs: number;
}

/**
 * Every rollup, at every granularity, against the sums of the raw rows of its bucket and dimensions, as the
 * ingestion SQL defines them (UTC buckets; events without a key or a product are not rolled up).
 */
const ROLLUP_MISMATCHES = Prisma.sql`
  WITH raw AS (
    SELECT g.granularity, date_trunc(g.unit, e.created_at, 'UTC') AS bucket_start, e.tenant_id, e.api_key_id,
      e.product_id, COALESCE(e.model, '') AS model, count(*)::int AS requests,
      (count(*) FILTER (WHERE e.status_code >= 400))::int AS errors, sum(e.input_tokens)::bigint AS input_tokens,
      sum(e.output_tokens)::bigint AS output_tokens, sum(e.cached_tokens)::bigint AS cached_tokens,
      sum(e.cost_usd) AS cost_usd
    FROM usage_events e
    CROSS JOIN (VALUES ('MINUTE'::rollup_granularity, 'minute'), ('HOUR', 'hour'), ('DAY', 'day')) AS g(granularity, unit)
    WHERE e.api_key_id IS NOT NULL AND e.product_id IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5, 6
  )
  SELECT count(*)::int AS mismatched
  FROM raw FULL OUTER JOIN usage_rollups r USING (granularity, bucket_start, tenant_id, api_key_id, product_id, model)
  WHERE raw.requests IS DISTINCT FROM r.requests OR raw.errors IS DISTINCT FROM r.errors
    OR raw.input_tokens IS DISTINCT FROM r.input_tokens OR raw.output_tokens IS DISTINCT FROM r.output_tokens
    OR raw.cached_tokens IS DISTINCT FROM r.cached_tokens OR raw.cost_usd IS DISTINCT FROM r.cost_usd
`;

async function checkIngested(context: Context): Promise<Ingested> {
  const [counts] = await context.db.$queryRaw<{ events: number; priced: number; rollups: number }[]>`
    SELECT (SELECT count(*)::int FROM usage_events) AS events,
      (SELECT count(*)::int FROM usage_events WHERE cost_usd > 0) AS priced,
      (SELECT count(*)::int FROM usage_rollups) AS rollups`;
  const [rollups] = await context.db.$queryRaw<{ mismatched: number }[]>(ROLLUP_MISMATCHES);
  return {
    events: counts?.events ?? 0,
    priced: counts?.priced ?? 0,
    rollupRows: counts?.rollups ?? 0,
    mismatched: rollups?.mismatched ?? -1,
    failedJobs: await context.queue.getFailedCount(),
  };
}

function problemsOf(expected: number, ingested: Ingested | undefined, drained: boolean): string[] {
  const problems: string[] = [];
  if (!drained) problems.push('the queue was not drained in time');
  if (ingested === undefined) return problems;
  if (ingested.events < expected) problems.push(`${formatNumber(expected - ingested.events)} events lost`);
  if (ingested.events > expected) problems.push(`${formatNumber(ingested.events - expected)} events too many`);
  if (ingested.mismatched !== 0) problems.push(`${formatNumber(ingested.mismatched)} rollups ≠ the sum of their rows`);
  if (ingested.failedJobs > 0) problems.push(`${formatNumber(ingested.failedJobs)} failed jobs`);
  if (ingested.events > 0 && ingested.priced === 0) problems.push('no event was priced');
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// The runs

type Consumer = 'worker' | 'bullmq' | 'sql';

interface DrainRun {
  consumer: Consumer;
  batchSize: number;
  concurrency: number;
  /** Events (jobs) consumed within the measured window. */
  events: number;
  used: Used;
  eventsPerSecond: number;
  preloadPerSecond: number | undefined;
  ingested: Ingested | undefined;
  problems: string[];
  /** Runs made to get this one: more than 1 when other work disturbed the first. */
  attempts: number;
}

/**
 * A run, repeated (up to `retries` times) while other work on the shared machine took DISTURBED cores or more;
 * the least disturbed attempt is kept. A run with problems is reported as it is: repeating it could hide them.
 */
async function leastDisturbed(retries: number, attempt: () => Promise<DrainRun>): Promise<DrainRun> {
  let best: DrainRun | undefined;
  let attempts = 0;
  while (attempts <= retries) {
    if (attempts > 0) process.stderr.write(`disturbed by other work (${cores(best?.used.other ?? 0)} cores): again… `);
    const run = await attempt();
    attempts++;
    if (run.problems.length > 0) return { ...run, attempts };
    if (best === undefined || run.used.other < best.used.other) best = run;
    if (run.used.other < DISTURBED) break;
  }
  if (best === undefined) throw new Error('not measured');
  return { ...best, attempts };
}

function workerEnvironment(
  context: Context,
  usage: { batchSize: number; concurrency: number } | undefined,
): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    // JSON logs stay in-process; `pretty` would add a pino-pretty worker thread to the measured process.
    LOG_FORMAT: 'json',
    WORKER_HOST: LOOPBACK,
    WORKER_PORT: String(context.workerPort),
    DATABASE_URL: context.databaseUrl,
    REDIS_URL: DEFAULT_REDIS_URL,
    REDIS_KEY_PREFIX: REDIS_PREFIX,
    // Production refuses the development key; the benchmark decrypts nothing.
    CREDENTIAL_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    // The usage queue only: the benchmark measures ingestion, not the other queues' schedules.
    WORKER_QUEUES: QueueName.Usage,
    ...(usage === undefined
      ? {}
      : {
          WORKER_USAGE_BATCH_SIZE: String(usage.batchSize),
          WORKER_USAGE_CONCURRENCY: String(usage.concurrency),
        }),
  };
}

function startWorker(env: Record<string, string>, nodeFlags: string[] = []): Promise<ServerProcess> {
  const config = parseConfig('worker', workerConfigSchema, env);
  return startServer({
    name: 'worker',
    ...pinned(CORES.underTest, process.execPath, [...nodeFlags, WORKER_MAIN]),
    cwd: ROOT,
    env,
    readyUrl: `http://${config.http.host}:${config.http.port}/healthz`,
    readyTimeoutMs: READY_TIMEOUT_MS,
  });
}

/**
 * `--cpu-prof` writes its profile only on a normal exit, and Nest ends a SIGTERM by raising it again, which kills
 * the process without one. This preload turns SIGTERM into a normal exit after the graceful shutdown.
 */
const EXIT_NORMALLY_ON_SIGTERM =
  'data:text/javascript,process.on("SIGTERM",()=>{setTimeout(()=>process.exit(0),3000)})';

/**
 * The worker drains N pre-loaded events. It starts consuming while Nest boots, before /healthz answers: the
 * window starts at the first 200 and counts only the events not yet written then.
 */
async function workerDrain(
  context: Context,
  batchSize: number,
  concurrency: number,
  nodeFlags: string[] = [],
): Promise<DrainRun> {
  const { events } = context.options;
  await reset(context);
  const preloadPerSecond = await preload(context, events, `w${batchSize}x${concurrency}`);
  const worker = await startWorker(workerEnvironment(context, { batchSize, concurrency }), [
    ...context.options.workerNodeFlags,
    ...nodeFlags,
  ]);
  const stopWindow = startWindow(context, worker.pid);
  const [before] = await context.db.$queryRaw<{ events: number }[]>`SELECT count(*)::int AS events FROM usage_events`;
  const drained = await waitUntilDrained(context.queue, drainTimeoutMs(events));
  const used = stopWindow();
  await worker.stop();
  const ingested = await checkIngested(context);
  const measured = events - (before?.events ?? 0);
  return {
    consumer: 'worker',
    batchSize,
    concurrency,
    events: measured,
    used,
    eventsPerSecond: measured / used.seconds,
    preloadPerSecond,
    ingested,
    problems: problemsOf(events, ingested, drained),
    attempts: 1,
  };
}

/** A bare BullMQ Worker, no-op processor, as many jobs in hand as the worker would have: the queue's own cost. */
async function bullmqDrain(context: Context, jobsInFlight: number): Promise<DrainRun> {
  const { events } = context.options;
  await reset(context);
  const preloadPerSecond = await preload(context, events, `q${jobsInFlight}`);
  const child = startIpcChild({
    name: 'bullmq-drain',
    core: CORES.underTest,
    script: BULLMQ_DRAIN,
    cwd: ROOT,
    env: { NODE_ENV: 'production', PATH: path.dirname(process.execPath) },
  });
  try {
    child.send({
      type: 'start',
      redisUrl: DEFAULT_REDIS_URL,
      prefix: queuePrefix(REDIS_PREFIX),
      queue: QueueName.Usage,
      concurrency: jobsInFlight,
    });
    await child.next('ready', READY_TIMEOUT_MS);
    const stopWindow = startWindow(context, child.pid);
    child.send({ type: 'go' });
    const drained = await waitUntilDrained(context.queue, drainTimeoutMs(events));
    const used = stopWindow();
    const failedJobs = await context.queue.getFailedCount();
    const problems = problemsOf(events, undefined, drained);
    if (failedJobs > 0) problems.push(`${formatNumber(failedJobs)} failed jobs`);
    return {
      consumer: 'bullmq',
      batchSize: jobsInFlight,
      concurrency: 1,
      events,
      used,
      eventsPerSecond: events / used.seconds,
      preloadPerSecond,
      ingested: undefined,
      problems,
      attempts: 1,
    };
  } finally {
    await child.stop();
  }
}

/** The ingestion repository called directly, batches of `batchSize`, `concurrency` in flight: the SQL's own cost. */
async function sqlDrain(context: Context, batchSize: number, concurrency: number): Promise<DrainRun> {
  const { events } = context.options;
  await reset(context);
  const child = startIpcChild({
    name: 'ingest-direct',
    core: CORES.underTest,
    script: INGEST_DIRECT,
    cwd: ROOT,
    env: { NODE_ENV: 'production', PATH: path.dirname(process.execPath) },
  });
  try {
    child.send({
      type: 'start',
      databaseUrl: context.databaseUrl,
      fixture: context.fixture as unknown as Record<string, unknown>,
      events,
      batchSize,
      concurrency,
      idPrefix: `s${batchSize}x${concurrency}`,
      firstAtMs: Date.now() - events * PRELOAD_SPACING_MS,
      spacingMs: PRELOAD_SPACING_MS,
    });
    // Making the events happens before the window (the worker's events come ready-made from Redis, too).
    await child.next('ready', 120_000);
    const stopWindow = startWindow(context, child.pid);
    child.send({ type: 'go' });
    await child.next('done', drainTimeoutMs(events));
    const used = stopWindow();
    const ingested = await checkIngested(context);
    return {
      consumer: 'sql',
      batchSize,
      concurrency,
      events,
      used,
      eventsPerSecond: events / used.seconds,
      preloadPerSecond: undefined,
      ingested,
      problems: problemsOf(events, ingested, true),
      attempts: 1,
    };
  } finally {
    await child.stop();
  }
}

interface SustainedRun {
  rate: number;
  batchSize: number;
  concurrency: number;
  flushMs: number;
  sent: number;
  achievedRate: number;
  /** Jobs enqueued per second (a job per send, or more when a send held more than EVENTS_PER_JOB). */
  jobRate: number;
  lagsMs: number[];
  samples: number;
  /** Waiting jobs sampled every BACKLOG_POLL_MS while producing. */
  backlog: { atSeconds: number; waiting: number }[];
  /** From the last enqueue until the queue was empty. */
  drainAfterStopMs: number;
  used: Used;
  ingested: Ingested;
  problems: string[];
}

/**
 * The worker with its default settings while this process enqueues at `rate` for `durationSeconds`, every 50 ms
 * what the gateway's recorder would send. The first event of each send is sampled: its lag is the time from its
 * occurredAt (set when it was made, just before the enqueue) until a poll finds its row, so it includes up to
 * LAG_POLL_MS of polling resolution.
 */
async function sustained(context: Context): Promise<SustainedRun> {
  const { rate, durationSeconds } = context.options;
  await reset(context);
  const env = workerEnvironment(context, undefined);
  const { usage } = parseConfig('worker', workerConfigSchema, env);
  const worker = await startWorker(env, context.options.workerNodeFlags);
  const stopWindow = startWindow(context, worker.pid);
  const make = usageEventMaker(context.fixture, 'sustained');
  const pending = new Map<string, number>();
  const lagsMs: number[] = [];
  const backlog: SustainedRun['backlog'] = [];
  let producing = true;
  let samples = 0;

  const pollLag = async () => {
    const deadline = () => !producing && Date.now() > stoppedAt + 60_000;
    while ((producing || pending.size > 0) && !deadline()) {
      if (pending.size > 0) {
        const ids = [...pending.keys()];
        const found = await context.db.$queryRaw<{ request_id: string }[]>`
          SELECT request_id FROM usage_events WHERE request_id = ANY(${ids}::text[])`;
        const now = Date.now();
        for (const { request_id: id } of found) {
          lagsMs.push(now - (pending.get(id) ?? now));
          pending.delete(id);
        }
      }
      await sleep(LAG_POLL_MS);
    }
  };
  const pollBacklog = async () => {
    while (producing) {
      backlog.push({ atSeconds: (Date.now() - startedAt) / 1000, waiting: await context.queue.getWaitingCount() });
      await sleep(BACKLOG_POLL_MS);
    }
  };

  const startedAt = Date.now();
  let stoppedAt = Number.POSITIVE_INFINITY;
  const lagDone = pollLag();
  const backlogDone = pollBacklog();
  let sent = 0;
  let jobs = 0;
  let ticks = 0;
  while (Date.now() - startedAt < durationSeconds * 1000) {
    const due = Math.floor(((Date.now() - startedAt) / 1000) * rate) - sent;
    if (due > 0) {
      const now = new Date();
      const events = Array.from({ length: due }, (_, offset) => make(sent + offset, now));
      const sampled = events[0];
      if (sampled !== undefined) {
        pending.set(sampled.requestId, now.getTime());
        samples++;
      }
      jobs += await enqueueBatches(context, events, `tick${ticks}`);
      sent += due;
    }
    // On the tick's schedule, not 50 ms after the send: a slow send must not stretch the period (and the bursts).
    ticks++;
    await sleep(Math.max(0, startedAt + ticks * PRODUCER_TICK_MS - Date.now()));
  }
  stoppedAt = Date.now();
  producing = false;
  const producedSeconds = (stoppedAt - startedAt) / 1000;
  const drained = await waitUntilDrained(context.queue, drainTimeoutMs(sent));
  const drainAfterStopMs = Date.now() - stoppedAt;
  await Promise.all([lagDone, backlogDone]);
  const used = stopWindow();
  await worker.stop();
  const ingested = await checkIngested(context);
  const problems = problemsOf(sent, ingested, drained);
  if (pending.size > 0) problems.push(`${pending.size} sampled events never appeared`);
  return {
    rate,
    batchSize: usage.batchSize,
    concurrency: usage.concurrency,
    flushMs: usage.flushMs,
    sent,
    achievedRate: sent / producedSeconds,
    jobRate: jobs / producedSeconds,
    lagsMs,
    samples,
    backlog,
    drainAfterStopMs,
    used,
    ingested,
    problems,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The session

async function main(options: Options): Promise<number> {
  tasksetPath();
  // Read before pinning: once pinned, this process sees only its own core.
  const machineCores = os.availableParallelism();
  if (machineCores < 2) throw new Error('the benchmark pins processes to cores 0 and 1: it needs 2 cores');
  pinThisProcess(CORES.benchmark);
  const loadAverage = os.loadavg();
  const busyAtStart = await machineBusyCores(1_000);
  const startedAt = new Date();
  const [build] = await ensureBuilt(ROOT, [WORKER_BUILD], options.build);
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--', ...WORKER_BUILD.sources]) !== '';

  const databaseUrl = new URL(`/${DATABASE_NAME}`, 'postgresql://postgres@127.0.0.1:5432').toString();
  process.stderr.write(`database ${DATABASE_NAME}: drop, migrate, seed\n`);
  // The seeded mock provider's URL is stored, never called: the worker makes no upstream call.
  await createBenchDatabase(ROOT, databaseUrl, `http://${LOOPBACK}:9`);
  for (let tenant = 0; tenant < TENANTS; tenant++) await createBenchKey(databaseUrl, 'none');
  const db = createPrismaClient({ url: databaseUrl, applicationName: 'gatehouse-bench-worker', maxConnections: 2 });
  const redis = new Redis(DEFAULT_REDIS_URL, { maxRetriesPerRequest: null });
  await clearRedisPrefix(redis, REDIS_PREFIX);
  const producer = new JobProducer(redis, queuePrefix(REDIS_PREFIX));
  const context: Context = {
    options,
    databaseUrl,
    db,
    redis,
    redisPid: await localRedisPid(redis),
    producer,
    queue: producer.queue(QueueName.Usage),
    fixture: await loadUsageFixture(db),
    workerPort: await freePort(PREFERRED_PORT),
  };

  try {
    const configurations = options.batchSizes.flatMap((batchSize) =>
      options.concurrencies.map((concurrency) => ({ batchSize, concurrency })),
    );
    const say = (text: string) => process.stderr.write(text);
    const show = (run: DrainRun) =>
      say(
        `${formatNumber(run.eventsPerSecond)} events/s, ${perThousand(run.used.underTest, run.events)} ms CPU / 1k` +
          `${run.problems.length > 0 ? ` — ${run.problems.join('; ')}` : ''}\n`,
      );

    const workerRuns: DrainRun[] = [];
    for (const { batchSize, concurrency } of configurations) {
      say(`- worker, batch ${batchSize} × ${concurrency}: pre-load ${formatNumber(options.events)}, drain… `);
      const run = await leastDisturbed(options.retries, () => workerDrain(context, batchSize, concurrency));
      workerRuns.push(run);
      show(run);
    }
    const bullmqRuns: DrainRun[] = [];
    const sqlRuns: DrainRun[] = [];
    if (options.baselines) {
      const inHand = [...new Set(configurations.map((c) => usageJobLimits(c).jobsInHand))].sort((a, b) => a - b);
      for (const jobs of inHand) {
        say(`- BullMQ alone, ${jobs} jobs in hand: pre-load, drain… `);
        const run = await leastDisturbed(options.retries, () => bullmqDrain(context, jobs));
        bullmqRuns.push(run);
        show(run);
      }
      for (const { batchSize, concurrency } of configurations) {
        say(`- SQL alone, batch ${batchSize} × ${concurrency}… `);
        const run = await leastDisturbed(options.retries, () => sqlDrain(context, batchSize, concurrency));
        sqlRuns.push(run);
        show(run);
      }
    }
    say(`- sustained, ${formatNumber(options.rate)} events/s for ${options.durationSeconds} s… `);
    const steady = await sustained(context);
    say(
      `lag p50 ${formatNumber(percentile(steady.lagsMs, 0.5))} ms, p99 ${formatNumber(percentile(steady.lagsMs, 0.99))} ms` +
        `${steady.problems.length > 0 ? ` — ${steady.problems.join('; ')}` : ''}\n`,
    );

    const best = [...workerRuns].sort((a, b) => b.eventsPerSecond - a.eventsPerSecond)[0];
    let profile: { summary: ProfileSummary; run: DrainRun; file: string } | undefined;
    if (options.profile && best !== undefined) {
      say(`- profile: worker, batch ${best.batchSize} × ${best.concurrency} under --cpu-prof… `);
      const profileDir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-bench-worker-profile-'));
      const run = await workerDrain(context, best.batchSize, best.concurrency, [
        '--cpu-prof',
        '--cpu-prof-dir',
        profileDir,
        '--import',
        EXIT_NORMALLY_ON_SIGTERM,
      ]);
      show(run);
      const file = readdirSync(profileDir)
        .filter((name) => name.endsWith('.cpuprofile'))
        .map((name) => path.join(profileDir, name))
        .sort((a, b) => statSync(b).size - statSync(a).size)[0];
      if (file === undefined) throw new Error(`the profiled worker wrote no .cpuprofile into ${profileDir}`);
      profile = { summary: summariseCpuProfile(file, { top: 25, root: ROOT, window: run.used.window }), run, file };
      say(`profile: ${file}\n`);
    }

    const report = buildReport({ options, workerRuns, bullmqRuns, sqlRuns, steady, profile });
    const facts = [
      `Date: ${startedAt.toISOString()}; commit \`${commit}\`` +
        (dirty ? ' with uncommitted changes to the worker or its libs (the build measured the working tree)' : ''),
      `Machine: \`nproc\` = ${machineCores} (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), ` +
        `${formatBytes(os.totalmem())} RAM, ${os.type()}, Node ${process.version}; at start, other work kept ` +
        `${busyAtStart.toFixed(2)} cores busy (load average ${loadAverage.map((value) => value.toFixed(2)).join(' / ')}; ` +
        'the machine is shared)',
      process.argv.length > 2
        ? `Command: \`${COMMAND} ${process.argv.slice(2).join(' ')}\``
        : `Command: \`${COMMAND}\` (\`npm run bench:worker\`)`,
      `Pinning (\`taskset\`): the process under test (the worker, or a baseline's process) on core ${CORES.underTest}; ` +
        `the benchmark itself (pre-loading, producing, polling) on core ${CORES.benchmark}; Postgres and Redis ` +
        "unpinned (they are the machine's own services), their CPU read from `/proc` (every `postgres` process; " +
        '`redis-server` by its pid)',
      `Worker: \`node ${[...options.workerNodeFlags, WORKER_MAIN].join(' ')}\`, NODE_ENV=production, LOG_LEVEL=warn, WORKER_QUEUES=usage, database ` +
        `\`${DATABASE_NAME}\` (dropped, migrated, seeded; ${TENANTS} tenants with a subscription and a key), Redis ` +
        `prefix \`${REDIS_PREFIX}\` (cleared before each run); built ${build?.builtAt.toISOString() ?? '?'}` +
        (build?.newerSource === undefined ? '' : ` (**older than ${build.newerSource}**)`),
      `Events: ${formatNumber(options.events)} per drain, made by \`bench/support/usage-events.ts\`: ${TENANTS} ` +
        `tenants, ${context.fixture.models.map((model) => `\`${model.alias}\``).join(' and ')} (priced by the seed), ` +
        '~94 % successful (a fifth streamed, some with cached input), 3 % refused by a limit, 1 % refused before ' +
        `entitlement (not rolled up), 2 % upstream errors; unique request ids, in \`usage.batch\` jobs of ${EVENTS_PER_JOB} ` +
        "(the gateway's default batch), occurredAt spread as if sent at 4,000/s until the pre-load",
    ];

    process.stdout.write(`\n${report.sections.join('\n\n')}\n\n${report.reading.join('\n\n')}\n`);
    if (!options.printOnly) {
      await appendResults(path.join(ROOT, RESULTS_FILE), {
        title: `worker ingestion, ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
        facts,
        table: report.sections.join('\n\n'),
        reading: report.reading,
      });
      say(`\nappended to ${RESULTS_FILE}\n`);
    }
    return report.failed ? 1 : 0;
  } finally {
    await stopAllServers();
    await clearRedisPrefix(redis, REDIS_PREFIX).catch(() => 0);
    await producer.close().catch(() => undefined);
    redis.disconnect();
    await db.$disconnect();
  }
}

function buildSources(projectFile: string): string[] {
  const project = z
    .object({ targets: z.object({ build: z.object({ command: z.string() }) }) })
    .parse(JSON.parse(readFileSync(path.join(ROOT, projectFile), 'utf8')));
  const words = project.targets.build.command.split(/\s+/);
  return words.slice(words.indexOf('swc') + 1, words.indexOf('-d')).filter((word) => !word.startsWith('-'));
}

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: ROOT, env: toolEnvironment(ROOT), encoding: 'utf8' }).trim();
}

// ---------------------------------------------------------------------------------------------------------
// The report

interface ReportInput {
  options: Options;
  workerRuns: DrainRun[];
  bullmqRuns: DrainRun[];
  sqlRuns: DrainRun[];
  steady: SustainedRun;
  profile: { summary: ProfileSummary; run: DrainRun; file: string } | undefined;
}

const monotonicMicroseconds = () => Number(process.hrtime.bigint() / 1000n);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** CPU seconds per event, as ms per 1,000 events (the same number as µs per event). */
const perThousand = (seconds: number, events: number) => (events === 0 ? '–' : ((seconds * 1e6) / events).toFixed(0));
const cores = (value: number) => value.toFixed(2);
const percent = (value: number) => `${formatNumber(100 * value)} %`;
/** Other work's cores during a run, and how many runs it took to get one less disturbed. */
const otherCores = (run: DrainRun) => `${cores(run.used.other)}${run.attempts > 1 ? ` (${run.attempts} runs)` : ''}`;
const checks = (run: { problems: string[] }) => (run.problems.length === 0 ? 'ok' : `**${run.problems.join('; ')}**`);

function percentile(values: number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

/** `low–high` of a CPU time per event (µs) over runs, e.g. `19–35`. */
function range(runs: DrainRun[], seconds: (run: DrainRun) => number): string {
  const micros = runs.map((run) => (seconds(run) * 1e6) / run.events);
  return `${Math.min(...micros).toFixed(0)}–${Math.max(...micros).toFixed(0)}`;
}

/** Least-squares slope of the backlog over time, in jobs per second. */
function slope(points: { atSeconds: number; waiting: number }[]): number {
  if (points.length < 2) return 0;
  const meanX = points.reduce((sum, p) => sum + p.atSeconds, 0) / points.length;
  const meanY = points.reduce((sum, p) => sum + p.waiting, 0) / points.length;
  const numerator = points.reduce((sum, p) => sum + (p.atSeconds - meanX) * (p.waiting - meanY), 0);
  const denominator = points.reduce((sum, p) => sum + (p.atSeconds - meanX) ** 2, 0);
  return denominator === 0 ? 0 : numerator / denominator;
}

function buildReport(input: ReportInput): { sections: string[]; reading: string[]; failed: boolean } {
  const { options, workerRuns, bullmqRuns, sqlRuns, steady, profile } = input;
  const sections: string[] = [];
  const reading: string[] = [];
  const all = [...workerRuns, ...bullmqRuns, ...sqlRuns, ...(profile === undefined ? [] : [profile.run])];
  const failures = [...all.filter((run) => run.problems.length > 0), ...(steady.problems.length > 0 ? [steady] : [])];
  const best = [...workerRuns].sort((a, b) => b.eventsPerSecond - a.eventsPerSecond)[0];
  const bullmqFor = (jobs: number) => bullmqRuns.find((run) => run.batchSize === jobs);
  const sqlFor = (run: DrainRun) =>
    sqlRuns.find((sql) => sql.batchSize === run.batchSize && sql.concurrency === run.concurrency);
  const oneCore = (run: DrainRun) => (run.used.underTest === 0 ? 0 : run.events / run.used.underTest);

  // Targets.
  const lagP99 = percentile(steady.lagsMs, 0.99);
  const secondHalf = steady.backlog.filter((point) => point.atSeconds >= options.durationSeconds / 2);
  const growth = slope(secondHalf);
  const bounded = growth < 0.05 * steady.jobRate && steady.drainAfterStopMs < 5_000;
  sections.push(
    `**Targets.**\n\n${textTable(
      ['target', 'measured', 'verdict'],
      [
        [
          `≥ ${formatNumber(TARGET_EVENTS_PER_SECOND)} events/s, one worker on one core`,
          best === undefined
            ? 'not run'
            : `${formatNumber(best.eventsPerSecond)} events/s (batch ${best.batchSize} × ${best.concurrency}); ` +
              `${formatNumber(oneCore(best))} by its CPU per event`,
          best !== undefined && best.eventsPerSecond >= TARGET_EVENTS_PER_SECOND
            ? 'met'
            : `**not met** (${best === undefined ? '–' : percent(best.eventsPerSecond / TARGET_EVENTS_PER_SECOND)} of it)`,
        ],
        [
          `keeps up with ${formatNumber(steady.rate)} events/s (defaults: batch ${steady.batchSize} × ${steady.concurrency})`,
          `lag p99 ${formatNumber(lagP99)} ms; backlog ${growth >= 0 ? '+' : ''}${formatNumber(growth)} jobs/s ` +
            `over the second half; empty ${formatNumber(steady.drainAfterStopMs)} ms after the last enqueue`,
          bounded && steady.problems.length === 0 ? 'met' : '**not met**',
        ],
      ],
      2,
    )}`,
  );

  sections.push(
    `**Drain** (${formatNumber(options.events)} events pre-loaded, the worker started on core 0; timed from its ` +
      '/healthz answering until the queue was empty). CPU columns are ms of CPU per 1,000 events (= µs per event); ' +
      '"one core" is what the worker could ingest with a whole core at that cost.\n\n' +
      textTable(
        [
          'batch × concurrency (jobs in hand)',
          'events/s',
          'of target',
          'worker ms / 1k',
          'one core',
          'core 0 busy',
          'Postgres ms / 1k',
          'Redis ms / 1k',
          'other cores',
          'pre-load events/s',
          'rollup rows',
          'checks',
        ],
        workerRuns.map((run) => [
          `${run.batchSize} × ${run.concurrency} (${formatNumber(usageJobLimits(run).jobsInHand)})`,
          formatNumber(run.eventsPerSecond),
          percent(run.eventsPerSecond / TARGET_EVENTS_PER_SECOND),
          perThousand(run.used.underTest, run.events),
          formatNumber(oneCore(run)),
          percent(run.used.core0),
          perThousand(run.used.postgres, run.events),
          perThousand(run.used.redis, run.events),
          otherCores(run),
          formatNumber(run.preloadPerSecond ?? 0),
          formatNumber(run.ingested?.rollupRows ?? 0),
          checks(run),
        ]),
      ),
  );

  if (bullmqRuns.length > 0) {
    sections.push(
      '**Baseline: BullMQ alone** (a bare `Worker`, no-op processor, on core 0, draining the same pre-loaded jobs ' +
        `of ${EVENTS_PER_JOB} events; no parsing, no batching, no database; per 1,000 events).\n\n` +
        textTable(
          [
            'jobs in hand',
            'events/s',
            'process ms / 1k',
            'one core',
            'core 0 busy',
            'Redis ms / 1k',
            'other cores',
            'checks',
          ],
          bullmqRuns.map((run) => [
            formatNumber(run.batchSize),
            formatNumber(run.eventsPerSecond),
            perThousand(run.used.underTest, run.events),
            formatNumber(oneCore(run)),
            percent(run.used.core0),
            perThousand(run.used.redis, run.events),
            otherCores(run),
            checks(run),
          ]),
        ),
    );
  }
  if (sqlRuns.length > 0) {
    sections.push(
      "**Baseline: SQL alone** (the worker's `UsageIngestionRepository.ingest` called directly from a process on " +
        'core 0, batches of the same size, the same number in flight; no queue).\n\n' +
        textTable(
          [
            'batch × in flight',
            'events/s',
            'client ms / 1k',
            'one core',
            'core 0 busy',
            'Postgres ms / 1k',
            'Postgres cores',
            'other cores',
            'checks',
          ],
          sqlRuns.map((run) => [
            `${run.batchSize} × ${run.concurrency}`,
            formatNumber(run.eventsPerSecond),
            perThousand(run.used.underTest, run.events),
            formatNumber(oneCore(run)),
            percent(run.used.core0),
            perThousand(run.used.postgres, run.events),
            cores(run.used.postgres / run.used.seconds),
            otherCores(run),
            checks(run),
          ]),
        ),
    );
    sections.push(
      "**Where the worker's CPU goes** per event (µs): the BullMQ baseline at the same jobs in hand, the SQL " +
        "baseline's client side at the same batches, and the rest (payload validation, the batcher, Nest, " +
        'follow-ups, and what batching across jobs adds).\n\n' +
        textTable(
          [
            'batch × concurrency',
            'worker',
            'BullMQ alone',
            'SQL client alone',
            'rest',
            'Postgres (worker run / SQL alone)',
          ],
          workerRuns.map((run) => {
            const worker = (run.used.underTest * 1e6) / run.events;
            const queue = bullmqFor(usageJobLimits(run).jobsInHand);
            const sql = sqlFor(run);
            const queueMicros = queue === undefined ? undefined : (queue.used.underTest * 1e6) / queue.events;
            const sqlMicros = sql === undefined ? undefined : (sql.used.underTest * 1e6) / sql.events;
            return [
              `${run.batchSize} × ${run.concurrency}`,
              worker.toFixed(0),
              queueMicros?.toFixed(0) ?? '–',
              sqlMicros?.toFixed(0) ?? '–',
              queueMicros === undefined || sqlMicros === undefined
                ? '–'
                : (worker - queueMicros - sqlMicros).toFixed(0),
              `${perThousand(run.used.postgres, run.events)} / ${sql === undefined ? '–' : perThousand(sql.used.postgres, sql.events)}`,
            ];
          }),
        ),
    );
  }

  sections.push(
    `**Sustained** (the worker with its defaults, batch ${steady.batchSize} × ${steady.concurrency}, flush ` +
      `${formatNumber(steady.flushMs)} ms, while this process enqueued every ${PRODUCER_TICK_MS} ms for ` +
      `${options.durationSeconds} s; lag = occurredAt → row found, polled every ${LAG_POLL_MS} ms, one sampled event ` +
      'per enqueue).\n\n' +
      textTable(
        [
          'rate',
          'sent',
          'achieved/s',
          'lag p50 ms',
          'p90',
          'p99',
          'max',
          'samples',
          'backlog max',
          'backlog trend jobs/s',
          'empty after stop ms',
          'worker cores',
          'worker ms / 1k',
          'Postgres cores',
          'other cores',
          'checks',
        ],
        [
          [
            formatNumber(steady.rate),
            formatNumber(steady.sent),
            formatNumber(steady.achievedRate),
            formatNumber(percentile(steady.lagsMs, 0.5)),
            formatNumber(percentile(steady.lagsMs, 0.9)),
            formatNumber(lagP99),
            formatNumber(Math.max(...steady.lagsMs)),
            formatNumber(steady.lagsMs.length),
            formatNumber(Math.max(0, ...steady.backlog.map((point) => point.waiting))),
            formatNumber(growth),
            formatNumber(steady.drainAfterStopMs),
            cores(steady.used.underTest / steady.used.seconds),
            perThousand(steady.used.underTest, steady.sent),
            cores(steady.used.postgres / steady.used.seconds),
            cores(steady.used.other),
            checks(steady),
          ],
        ],
      ),
  );

  if (profile !== undefined) {
    sections.push(
      `**Profile of the worker** draining with batch ${profile.run.batchSize} × ${profile.run.concurrency} under ` +
        `\`--cpu-prof\` (${formatNumber(profile.run.eventsPerSecond)} events/s while profiled; the measured ` +
        `${(profile.summary.totalMs / 1000).toFixed(1)} s only, ${(profile.summary.busyMs / 1000).toFixed(1)} s of ` +
        "them busy): self time by function; by where the code lives; the worker's own functions with what they call " +
        '(synchronous time only).\n\n' +
        `${profileTable(profile.summary.functions, 'functions')}\n\n${profileTable(profile.summary.areas, 'areas')}\n\n` +
        `${profileTable(profile.summary.ownCode, 'own code')}`,
    );
  }

  // Reading.
  if (best !== undefined) {
    const workerCores = best.used.underTest / best.used.seconds;
    const postgresCores = best.used.postgres / best.used.seconds;
    const queue = bullmqFor(usageJobLimits(best).jobsInHand);
    const sql = sqlFor(best);
    const workerMicros = (best.used.underTest * 1e6) / best.events;
    reading.push(
      `**Throughput.** The best drain was batch ${best.batchSize} × ${best.concurrency}: ` +
        `${formatNumber(best.eventsPerSecond)} events/s, ${percent(best.eventsPerSecond / TARGET_EVENTS_PER_SECOND)} of ` +
        `the ${formatNumber(TARGET_EVENTS_PER_SECOND)} target and ${(best.eventsPerSecond / 4_000).toFixed(1)} × the ` +
        `gateway's peak. The worker used ${cores(workerCores)} of its core (${workerMicros.toFixed(0)} µs per event), ` +
        `Postgres ${cores(postgresCores)} cores, Redis ${cores(best.used.redis / best.used.seconds)}. ` +
        (workerCores >= SATURATED - 0.05
          ? "The worker's core was the limit: its CPU per event says what one core can ingest " +
            `(${formatNumber(oneCore(best))} events/s). `
          : "The worker's core was not saturated, so something outside it (Postgres, Redis, or the other core " +
            'they share with this process) was the limit of the run. ') +
        (queue === undefined || sql === undefined
          ? ''
          : `Of its ${workerMicros.toFixed(0)} µs per event, a bare BullMQ worker at the same jobs in hand spends ` +
            `${((queue.used.underTest * 1e6) / queue.events).toFixed(0)} µs (it alone drains ` +
            `${formatNumber(queue.eventsPerSecond)} events/s) and the SQL's client side ` +
            `${((sql.used.underTest * 1e6) / sql.events).toFixed(0)} µs (the SQL alone, without the queue, ingests ` +
            `${formatNumber(sql.eventsPerSecond)} events/s at ${perThousand(sql.used.postgres, sql.events)} µs of ` +
            'Postgres CPU per event).'),
    );
    const byBatch = [...workerRuns].sort((a, b) => a.batchSize - b.batchSize || a.concurrency - b.concurrency);
    reading.push(
      `**Batching.** Events/s by configuration: ${byBatch
        .map((run) => `${run.batchSize} × ${run.concurrency}: ${formatNumber(run.eventsPerSecond)}`)
        .join(', ')}. ` +
        `Postgres's CPU per event went from ${range(byBatch, (run) => run.used.postgres)} µs as batches grew (one ` +
        "statement, one commit and one upsert per rollup bucket per batch), the worker's own from " +
        `${range(byBatch, (run) => run.used.underTest)} µs: each job carries ${EVENTS_PER_JOB} events, so what ` +
        'BullMQ costs per job is shared by them, and what is left is checking each event and the SQL client. ' +
        `Redis spent ${range(byBatch, (run) => run.used.redis)} µs per event.`,
    );
  }
  reading.push(
    `**Sustained.** At ${formatNumber(steady.achievedRate)} events/s the worker (defaults) used ` +
      `${cores(steady.used.underTest / steady.used.seconds)} of its core; sampled events were in usage_events ` +
      `${formatNumber(percentile(steady.lagsMs, 0.5))} ms after they occurred at the median, ` +
      `${formatNumber(lagP99)} ms at p99 (${steady.lagsMs.length} samples; polling adds up to ${LAG_POLL_MS} ms). ` +
      (bounded
        ? `The backlog stayed bounded (at most ${formatNumber(Math.max(0, ...steady.backlog.map((p) => p.waiting)))} ` +
          'jobs waiting) and the queue was empty ' +
          `${formatNumber(steady.drainAfterStopMs)} ms after the last enqueue.`
        : `**The backlog grew** (${formatNumber(growth)} jobs/s over the second half; the queue was empty only ` +
          `${formatNumber(steady.drainAfterStopMs)} ms after the last enqueue): the worker did not keep up.`),
  );
  if (profile !== undefined) {
    const [first, second, third, fourth] = profile.summary.areas;
    reading.push(
      `**Profile.** The profiled worker's busy time went mostly to ${[first, second, third, fourth]
        .filter((area) => area !== undefined)
        .map((area) => `${area.name} (${area.percent.toFixed(0)} %)`)
        .join(', ')}. The whole profile was left in a temporary file, \`${profile.file}\`, not in the repository.`,
    );
  }
  const disturbed = all.filter((run) => run.used.other >= DISTURBED);
  reading.push(
    disturbed.length === 0
      ? `Other work on the machine stayed under ${DISTURBED} of a core in every run ("other cores").`
      : `**The machine was shared:** other processes (other people's tests) still took ${DISTURBED} cores or more ` +
          `during ${disturbed.length} of ${all.length} runs shown, after up to ${options.retries} repeat(s) of each ` +
          '(the "other cores" columns); those runs are low, their CPU per event less affected.',
  );
  reading.push(
    failures.length === 0
      ? 'Every run ingested each event exactly once (the count of usage_events equals the events sent, request ids ' +
          'unique), no job failed, and every minute, hour and day rollup equals the sums of its raw rows (compared in ' +
          'SQL after each run).'
      : `**FAILED:** ${failures.map((run) => run.problems.join('; ')).join(' | ')}.`,
  );
  return { sections, reading, failed: failures.length > 0 };
}

// ---------------------------------------------------------------------------------------------------------

runBenchSession({
  readOptions,
  // Bounded: every drain at the slowest acceptable rate, the sustained run and its drain, builds, the margin.
  budgetMs: (options) => {
    const configurations = options.batchSizes.length * options.concurrencies.length;
    const drains = (1 + options.retries) * configurations * (options.baselines ? 3 : 1) + (options.profile ? 1 : 0);
    return (
      drains * drainTimeoutMs(options.events) * 1.5 +
      options.durationSeconds * 1000 +
      drainTimeoutMs(options.rate * options.durationSeconds) +
      SESSION_MARGIN_MS
    );
  },
  main,
  killNow: killIpcChildrenNow,
  interrupted: 'stopping the worker',
});
