/**
 * The benchmark's load generator, in a process of its own so that it can be pinned to a core of its own
 * (`taskset -c 1 node --import tsx bench/support/load-generator.ts`). It takes tasks over its IPC channel (see
 * `load-tasks.ts`), announces the end of each warm-up (`measuring`), so that the parent can sample the servers'
 * CPU over exactly the measured run, and answers with the result. It sends load to 127.0.0.1 only.
 */
import { performance } from 'node:perf_hooks';
import { Client, Pool } from 'undici';
import {
  distribution,
  type GeneratorMessage,
  type HttpTarget,
  type LatencyResult,
  type LatencyTask,
  type LoadTask,
  type ParentMessage,
  type StreamsResult,
  type StreamsTask,
  type ThroughputResult,
  type ThroughputTask,
} from './load-tasks';
import { runAutocannon } from './load-run';

const LOOPBACK_ORIGIN = /^http:\/\/127\.0\.0\.1:\d+$/;
const pauseCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * Blocks for a random fraction of a millisecond. The mock's 20 ms delay is a Node timer, which fires on whole
 * milliseconds of its event loop's clock: one request at a time, sent as soon as the previous answer arrives,
 * locks into a phase with that clock, and a fraction of a millisecond more on the way (a proxy, the gateway) is
 * then rounded away or up to a whole one. A random pause before each request spreads the arrivals over the
 * millisecond, so the rounding is the same for every target and the medians differ by what each one adds.
 */
function randomSubMillisecondPause(): void {
  Atomics.wait(pauseCell, 0, 0, Math.random());
}
/** How long the streams still open at the end of a run get to finish before they are abandoned. */
const STREAM_DRAIN_MS = 15_000;

function send(message: GeneratorMessage): void {
  process.send?.(message);
}

function checkTarget(target: HttpTarget): void {
  if (!LOOPBACK_ORIGIN.test(target.origin)) throw new Error(`refusing to send load to ${target.origin}: loopback only`);
}

/** Called when the warm-up ends, and when the measured run ends. */
interface Phases {
  measuring(): void;
  measured(): void;
}

async function throughput(task: ThroughputTask, phases: Phases): Promise<ThroughputResult> {
  const target = {
    url: `${task.target.origin}${task.target.path}`,
    method: task.target.method,
    headers: task.target.headers,
    body: task.target.body,
  };
  const settings = {
    connections: task.connections,
    warmupSeconds: task.warmupSeconds,
    durationSeconds: task.durationSeconds,
    timeoutSeconds: task.timeoutSeconds,
  };
  const warmup = await runAutocannon(`${task.title} (warm-up)`, target, settings, task.warmupSeconds);
  phases.measuring();
  const cpuBefore = process.cpuUsage();
  const result = await runAutocannon(task.title, target, settings, task.durationSeconds);
  const cpu = process.cpuUsage(cpuBefore);
  phases.measured();
  return {
    requestsPerSecond: result.requests.mean,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    responses: result.requests.total,
    totalResponses: warmup.requests.total + result.requests.total,
    bytes: result.throughput.total,
    // autocannon's `errors` include its timeouts.
    errors: warmup.errors + result.errors,
    non2xx: warmup.non2xx + result.non2xx,
    durationSeconds: result.duration,
    clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

async function latency(task: LatencyTask, phases: Phases): Promise<LatencyResult> {
  const timeoutMs = task.timeoutSeconds * 1000;
  let client = new Client(task.target.origin, { pipelining: 1, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const samples: number[] = [];
  let errors = 0;
  let non2xx = 0;
  let responses = 0;

  const phase = async (seconds: number, record: boolean) => {
    const until = performance.now() + seconds * 1000;
    while (performance.now() < until) {
      randomSubMillisecondPause();
      const started = performance.now();
      try {
        const response = await client.request({
          path: task.target.path,
          method: task.target.method,
          headers: task.target.headers,
          body: task.target.body,
        });
        await response.body.arrayBuffer();
        const elapsed = performance.now() - started;
        responses++;
        if (response.statusCode < 200 || response.statusCode > 299) non2xx++;
        else if (record) samples.push(elapsed);
      } catch {
        errors++;
        // A broken connection: the next request gets a fresh one rather than the same error.
        await client.destroy().catch(() => undefined);
        client = new Client(task.target.origin, { pipelining: 1, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
      }
    }
  };

  try {
    await phase(task.warmupSeconds, false);
    phases.measuring();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await phase(task.durationSeconds, true);
    const cpu = process.cpuUsage(cpuBefore);
    phases.measured();
    return {
      latency: distribution(samples),
      errors,
      non2xx,
      totalResponses: responses,
      durationSeconds: (performance.now() - started) / 1000,
      clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
    };
  } finally {
    await client.close().catch(() => undefined);
  }
}

async function streams(task: StreamsTask, phases: Phases): Promise<StreamsResult> {
  const timeoutMs = task.timeoutSeconds * 1000;
  const pool = new Pool(task.target.origin, {
    connections: task.concurrency,
    pipelining: 1,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const start = performance.now();
  const measuredFrom = start + task.warmupSeconds * 1000;
  const measuredUntil = measuredFrom + task.durationSeconds * 1000;
  const firstToken: number[] = [];
  const headers: number[] = [];
  let started = 0;
  let completed = 0;
  let errors = 0;
  let non2xx = 0;
  let malformed = 0;
  let responses = 0;
  let open = 0;
  let maxOpen = 0;

  let cpuBefore: NodeJS.CpuUsage | undefined;
  let cpu: NodeJS.CpuUsage | undefined;
  const measuringTimer = setTimeout(() => {
    cpuBefore = process.cpuUsage();
    phases.measuring();
  }, measuredFrom - start);
  const endTimer = setTimeout(() => {
    cpu = process.cpuUsage(cpuBefore);
    phases.measured();
  }, measuredUntil - start);

  const oneStream = async () => {
    const sentAt = performance.now();
    const measured = sentAt >= measuredFrom && sentAt < measuredUntil;
    if (measured) started++;
    open++;
    maxOpen = Math.max(maxOpen, open);
    try {
      const response = await pool.request({
        path: task.target.path,
        method: task.target.method,
        headers: task.target.headers,
        body: task.target.body,
      });
      const headersAt = performance.now();
      responses++;
      if (response.statusCode !== 200) {
        non2xx++;
        await response.body.dump();
        return;
      }
      let firstAt: number | undefined;
      let tail = '';
      for await (const chunk of response.body) {
        firstAt ??= performance.now();
        tail = (tail + (chunk as Buffer).toString('utf8')).slice(-64);
      }
      if (!tail.trimEnd().endsWith('data: [DONE]')) {
        malformed++;
        return;
      }
      if (measured && firstAt !== undefined) {
        completed++;
        headers.push(headersAt - sentAt);
        firstToken.push(firstAt - sentAt);
      }
    } catch {
      errors++;
    } finally {
      open--;
    }
  };

  // Stream i starts at i/concurrency of the warm-up, then each loop replaces its stream when it ends.
  const loops = Array.from({ length: task.concurrency }, async (_, index) => {
    await new Promise((resolve) => setTimeout(resolve, (index / task.concurrency) * task.warmupSeconds * 1000));
    while (performance.now() < measuredUntil) await oneStream();
  });
  let drainTimer: NodeJS.Timeout | undefined;
  const drained = new Promise<void>((resolve) => {
    drainTimer = setTimeout(resolve, measuredUntil - start + STREAM_DRAIN_MS);
  });
  try {
    await Promise.race([Promise.all(loops), drained]);
  } finally {
    clearTimeout(drainTimer);
    clearTimeout(measuringTimer);
    clearTimeout(endTimer);
    await pool.destroy().catch(() => undefined);
  }
  const used = cpu ?? process.cpuUsage(cpuBefore);
  return {
    started,
    completed,
    errors,
    non2xx,
    malformed,
    totalResponses: responses,
    timeToFirstToken: distribution(firstToken),
    timeToHeaders: distribution(headers),
    streamsPerSecond: completed / task.durationSeconds,
    maxOpen,
    durationSeconds: task.durationSeconds,
    clientCpuSeconds: (used.user + used.system) / 1e6,
  };
}

function run(task: LoadTask, phases: Phases): Promise<ThroughputResult | LatencyResult | StreamsResult> {
  checkTarget(task.target);
  switch (task.kind) {
    case 'throughput':
      return throughput(task, phases);
    case 'latency':
      return latency(task, phases);
    case 'streams':
      return streams(task, phases);
  }
}

if (process.send === undefined) {
  process.stderr.write('load-generator.ts runs as a child process of a benchmark, with an IPC channel\n');
  process.exit(2);
}

process.on('message', (message: ParentMessage) => {
  const { id, task } = message;
  run(task, {
    measuring: () => send({ id, type: 'measuring' }),
    measured: () => send({ id, type: 'measured' }),
  }).then(
    (result) => send({ id, type: 'result', result }),
    (error: unknown) => send({ id, type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
// The parent going away closes the channel: nothing is left to report to.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
