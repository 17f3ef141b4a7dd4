import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { pidsNamed, processCommandLine, processCpuSeconds } from './server-process';
import {
  type GeneratorMessage,
  type LatencyTask,
  type LoadResults,
  type LoadTask,
  type StreamsTask,
  type ThroughputTask,
} from './load-tasks';

/** util-linux's `taskset`, by absolute path: child environments are explicit and may carry no PATH. */
export function tasksetPath(): string {
  const found = ['/usr/bin/taskset', '/bin/taskset'].find((candidate) => existsSync(candidate));
  if (found === undefined) throw new Error('taskset (util-linux) is required to pin the processes to cores');
  return found;
}

/** `command args` run on `core` only: what to pass to spawn (or startServer) instead. */
export function pinned(core: number, command: string, args: string[]): { command: string; args: string[] } {
  return { command: tasksetPath(), args: ['-c', String(core), command, ...args] };
}

/**
 * Moves this process (every thread it has: V8's and libuv's too) to `core`, so that whatever the benchmark itself
 * does (producing jobs, polling) stays off the core of the process under test.
 */
export function pinThisProcess(core: number): void {
  execFileSync(tasksetPath(), ['-a', '-p', '-c', String(core), String(process.pid)], { stdio: 'ignore' });
}

/** Busy time (everything but idle and iowait) of each core since boot, in seconds. */
export function coreBusySeconds(): number[] {
  return os.cpus().map((cpu) => (cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq) / 1000);
}

/**
 * CPU used by a set of processes and by each core over an interval: `sample()` at the start, `since()` at the
 * end. Processes are read from /proc (every thread); a process that has exited reads as 0.
 */
export class CpuSample {
  private constructor(
    private readonly pids: Record<string, number>,
    private readonly at: number,
    private readonly processSeconds: Record<string, number>,
    private readonly cores: number[],
  ) {}

  static take(pids: Record<string, number>): CpuSample {
    const processSeconds: Record<string, number> = {};
    for (const [name, pid] of Object.entries(pids)) processSeconds[name] = processCpuSeconds(pid) ?? 0;
    return new CpuSample(pids, performance.now(), processSeconds, coreBusySeconds());
  }

  /** Cores used (1 = one core busy all the time) by each process and each core since this sample. */
  since(): { seconds: number; processes: Record<string, number>; cores: number[] } {
    const seconds = (performance.now() - this.at) / 1000;
    const processes: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      processes[name] = ((processCpuSeconds(pid) ?? 0) - (this.processSeconds[name] ?? 0)) / seconds;
    }
    const cores = coreBusySeconds().map((busy, index) => (busy - (this.cores[index] ?? 0)) / seconds);
    return { seconds, processes, cores };
  }
}

/**
 * CPU time used by every process of one name (`postgres`: the postmaster, its helpers and each connection's
 * backend) over an interval. A process started within the interval counts in full; one that exited within it is
 * lost (a backend of a closed connection), so this is a lower bound.
 */
export class ProcessGroupCpu {
  private constructor(
    private readonly pids: () => number[],
    private readonly seconds: Map<number, number>,
  ) {}

  /** `include` picks processes of the group by their command line (e.g. only one database's backends). */
  static take(name: string, include: (commandLine: string) => boolean = () => true): ProcessGroupCpu {
    const pids = () => pidsNamed(name).filter((pid) => include(processCommandLine(pid)));
    return new ProcessGroupCpu(pids, new Map(pids().map((pid) => [pid, processCpuSeconds(pid) ?? 0])));
  }

  /** CPU seconds (not cores) used by the group since this sample. */
  secondsSince(): number {
    return this.pids().reduce(
      (sum, pid) => sum + Math.max(0, (processCpuSeconds(pid) ?? 0) - (this.seconds.get(pid) ?? 0)),
      0,
    );
  }
}

export interface RunPhases {
  measuring(): void;
  measured(): void;
}

export interface LoadGenerator {
  pid: number;
  /** Runs a task; `phases` hears when its warm-up ends and when its measured run ends. */
  run(task: ThroughputTask, phases: RunPhases): Promise<LoadResults['throughput']>;
  run(task: LatencyTask, phases: RunPhases): Promise<LoadResults['latency']>;
  run(task: StreamsTask, phases: RunPhases): Promise<LoadResults['streams']>;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 20_000;
/** Slack on top of a task's own warm-up, run, timeout and stream drain before it is declared hung. */
const TASK_MARGIN_MS = 30_000;

const generators = new Set<ChildProcess>();

/** The last resort on `process.exit`: no load generator outlives its benchmark. */
export function killLoadGeneratorsNow(): void {
  for (const child of generators) child.kill('SIGKILL');
}

/**
 * Starts `load-generator.ts` pinned to `core`, with an IPC channel: tasks (and the API key in their headers) go
 * over the channel, never on a command line.
 */
export async function startLoadGenerator(options: {
  core: number;
  cwd: string;
  env: Record<string, string>;
}): Promise<LoadGenerator> {
  const { command, args } = pinned(options.core, process.execPath, [
    '--import',
    'tsx',
    'bench/support/load-generator.ts',
  ]);
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  generators.add(child);
  child.once('exit', () => generators.delete(child));
  const relay = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line !== '') process.stderr.write(`[load-generator] ${line}\n`);
    }
  };
  child.stdout?.on('data', relay);
  child.stderr?.on('data', relay);

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the load generator did not start')), READY_TIMEOUT_MS);
    child.once('exit', (code, signal) => reject(new Error(`the load generator exited (${signal ?? code})`)));
    child.on('message', (message: GeneratorMessage) => {
      if ('type' in message && message.type === 'ready') {
        clearTimeout(timer);
        resolve();
      }
    });
  });

  let nextId = 1;
  const run = (task: LoadTask, phases: RunPhases) =>
    new Promise<LoadResults[LoadTask['kind']]>((resolve, reject) => {
      const id = nextId++;
      const limitMs =
        (task.warmupSeconds + task.durationSeconds + task.timeoutSeconds) * 1000 +
        (task.kind === 'streams' ? 15_000 : 0) +
        TASK_MARGIN_MS;
      const cleanup = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${task.title}: the load generator did not answer within ${limitMs / 1000} s`));
      }, limitMs);
      const onExit = () => {
        cleanup();
        reject(new Error(`${task.title}: the load generator exited`));
      };
      const onMessage = (message: GeneratorMessage) => {
        if (!('id' in message) || message.id !== id) return;
        if (message.type === 'measuring') return phases.measuring();
        if (message.type === 'measured') return phases.measured();
        cleanup();
        if (message.type === 'result') resolve(message.result);
        else reject(new Error(`${task.title}: ${message.message}`));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ id, task });
    });

  return {
    pid: child.pid ?? -1,
    run: run as LoadGenerator['run'],
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
