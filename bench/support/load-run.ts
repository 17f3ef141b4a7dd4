import autocannon from 'autocannon';
import os from 'node:os';
import type { ServerProcess } from './server-process';

export interface LoadTarget {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

export interface LoadSettings {
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Per request: a response slower than this counts as an error. */
  timeoutSeconds: number;
}

export interface LoadMeasurement {
  /** Mean of the per-second request counts. */
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Connection errors and timeouts, measured run and warm-up together. */
  errors: number;
  /** Non-2xx responses, measured run and warm-up together. */
  non2xx: number;
  /** Completed responses in the measured run. */
  responses: number;
  /** Bytes received in the measured run, headers included. */
  bytes: number;
  durationSeconds: number;
  /** CPU the server used per second of the measured run (1 = one core); undefined where /proc is missing. */
  serverCores: number | undefined;
  /** CPU the load generator (this process) used per second of the measured run. */
  clientCores: number;
  /**
   * CPU the rest of the machine used per second of the measured run: other people's work on a shared
   * machine, which the server and the client then did not get.
   */
  otherCores: number | undefined;
}

/** Slack on top of the duration and one request timeout before a run is declared hung. */
const HANG_MARGIN_MS = 5_000;

let current: autocannon.Instance | undefined;

/** Stops the run in progress, if any (SIGINT): it then resolves with what it measured so far. */
export function stopCurrentLoad(): void {
  current?.stop();
}

/** A warm-up run whose numbers are discarded (JIT, connection set-up), then the measured run. */
export async function measureLoad(
  title: string,
  target: LoadTarget,
  settings: LoadSettings,
  server: ServerProcess,
): Promise<LoadMeasurement> {
  const warmup = await runAutocannon(title, target, settings, settings.warmupSeconds);

  const machineCpuBefore = machineBusySeconds();
  const serverCpuBefore = server.cpuSeconds();
  const clientCpuBefore = process.cpuUsage();
  const result = await runAutocannon(title, target, settings, settings.durationSeconds);
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const serverCpuAfter = server.cpuSeconds();
  const machineCpu = machineBusySeconds() - machineCpuBefore;

  const seconds = result.duration;
  const serverCores =
    serverCpuBefore === undefined || serverCpuAfter === undefined
      ? undefined
      : (serverCpuAfter - serverCpuBefore) / seconds;
  const clientCores = (clientCpu.user + clientCpu.system) / 1e6 / seconds;
  return {
    requestsPerSecond: result.requests.mean,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    errors: warmup.errors + result.errors,
    non2xx: warmup.non2xx + result.non2xx,
    responses: result.requests.total,
    bytes: result.throughput.total,
    durationSeconds: seconds,
    serverCores,
    clientCores,
    otherCores: serverCores === undefined ? undefined : Math.max(0, machineCpu / seconds - serverCores - clientCores),
  };
}

/** How many cores the machine kept busy, on average, over the next `windowMs`. */
export async function machineBusyCores(windowMs: number): Promise<number> {
  const before = machineBusySeconds();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  return ((machineBusySeconds() - before) * 1000) / windowMs;
}

/** CPU time every core of the machine has spent busy (not idle) since boot, in seconds. */
export function machineBusySeconds(): number {
  let busyMs = 0;
  for (const cpu of os.cpus()) busyMs += cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq;
  return busyMs / 1000;
}

/** One autocannon run of `durationSeconds`; what `measureLoad` runs twice, exported for the load generator. */
export async function runAutocannon(
  title: string,
  target: LoadTarget,
  settings: LoadSettings,
  durationSeconds: number,
): Promise<autocannon.Result> {
  let instance: autocannon.Instance | undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        title,
        url: target.url,
        method: target.method,
        headers: target.headers,
        body: target.body,
        connections: settings.connections,
        pipelining: 1,
        duration: durationSeconds,
        timeout: settings.timeoutSeconds,
      },
      (error: unknown, result: autocannon.Result) => (error ? reject(toError(error)) : resolve(result)),
    );
  });
  current = instance;
  // autocannon stops itself after `duration`; this only guards against a run that never reports.
  const limitMs = (durationSeconds + settings.timeoutSeconds) * 1000 + HANG_MARGIN_MS;
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      instance?.stop();
      reject(new Error(`${title}: autocannon did not finish within ${limitMs / 1000} s`));
    }, limitMs);
  });
  try {
    return await Promise.race([finished, hung]);
  } finally {
    clearTimeout(timer);
    current = undefined;
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
