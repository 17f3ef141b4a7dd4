/**
 * What the benchmark asks of its load generator (`load-generator.ts`, a child process pinned to its own core)
 * and what it answers, over the child's IPC channel. Plain data: everything here crosses a process boundary.
 */

export interface HttpTarget {
  /** `http://127.0.0.1:<port>`: loopback only. */
  origin: string;
  path: string;
  method: 'GET' | 'POST';
  /** May carry the benchmark's API key: sent over IPC only, never on a command line or in a log. */
  headers: Record<string, string>;
  body?: string;
}

interface TaskTiming {
  /** Run first and discarded: JIT, connection set-up, caches. */
  warmupSeconds: number;
  durationSeconds: number;
  /** Per request: a response slower than this counts as an error. */
  timeoutSeconds: number;
}

/** autocannon with `connections` keep-alive connections, no pipelining: the most requests a second. */
export interface ThroughputTask extends TaskTiming {
  kind: 'throughput';
  title: string;
  target: HttpTarget;
  connections: number;
}

/**
 * One connection, one request at a time (after a random pause under a millisecond), each timed with
 * `performance.now()`: what a request costs in latency when nothing queues. (autocannon records whole
 * milliseconds, too coarse for a 0.35 ms target.)
 */
export interface LatencyTask extends TaskTiming {
  kind: 'latency';
  title: string;
  target: HttpTarget;
}

/**
 * `concurrency` streams open at all times (each one, when it ends, is replaced by a new one), started evenly over
 * the warm-up so that they do not arrive in lockstep. Each stream's time to its first body bytes (the first
 * token: the headers and the first SSE frame arrive together) and to its headers are recorded.
 */
export interface StreamsTask extends TaskTiming {
  kind: 'streams';
  title: string;
  target: HttpTarget;
  concurrency: number;
}

export type LoadTask = ThroughputTask | LatencyTask | StreamsTask;

/** Milliseconds. */
export interface Distribution {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

interface Counted {
  /** Connection errors and timeouts, warm-up included. */
  errors: number;
  /** Non-2xx responses, warm-up included. */
  non2xx: number;
  /** Responses received, warm-up included (what the gateway should have recorded as usage events). */
  totalResponses: number;
  durationSeconds: number;
  /** CPU the load generator used during the measured run, in seconds. */
  clientCpuSeconds: number;
}

export interface ThroughputResult extends Counted {
  requestsPerSecond: number;
  /** autocannon's, in whole milliseconds. */
  latencyP50Ms: number;
  latencyP99Ms: number;
  responses: number;
  bytes: number;
}

export interface LatencyResult extends Counted {
  latency: Distribution;
}

export interface StreamsResult extends Counted {
  /** Streams started during the measured run, and of those, completed with a well-formed end (`[DONE]`). */
  started: number;
  completed: number;
  /** 200 streams that did not end with `data: [DONE]`, warm-up included. */
  malformed: number;
  /** Request sent → first body bytes, for the streams started during the measured run. */
  timeToFirstToken: Distribution;
  /** Request sent → response headers. */
  timeToHeaders: Distribution;
  streamsPerSecond: number;
  /** Most streams open at once, as this client counts them. */
  maxOpen: number;
}

export interface LoadResults {
  throughput: ThroughputResult;
  latency: LatencyResult;
  streams: StreamsResult;
}

export type ParentMessage = { id: number; task: LoadTask };

export type GeneratorMessage =
  | { type: 'ready' }
  | { id: number; type: 'measuring' }
  /** The measured run is over; what follows (streams still draining) is not part of it. */
  | { id: number; type: 'measured' }
  | { id: number; type: 'result'; result: LoadResults[LoadTask['kind']] }
  | { id: number; type: 'error'; message: string };

/** Nearest-rank percentiles of `samples` (milliseconds); all zero when there is none. */
export function distribution(samples: readonly number[]): Distribution {
  if (samples.length === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(samples).sort();
  const rank = (quantile: number) => sorted[Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] ?? 0;
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    count: sorted.length,
    mean: sum / sorted.length,
    p50: rank(0.5),
    p90: rank(0.9),
    p99: rank(0.99),
    max: sorted[sorted.length - 1] ?? 0,
  };
}
