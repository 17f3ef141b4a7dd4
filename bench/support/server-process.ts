import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Benchmarks talk to loopback only: nothing they start listens on, or sends to, another address. */
export const LOOPBACK = '127.0.0.1';

export interface ServerProcessOptions {
  name: string;
  /** An executable and its arguments, run without a shell. */
  command: string;
  args: string[];
  cwd: string;
  /** The child's whole environment: nothing is inherited from this process. */
  env: Record<string, string>;
  /** Polled until it answers 200. */
  readyUrl: string;
  readyTimeoutMs: number;
  /**
   * Whether its output is shown as it comes (default). A server run at its own log level (the stack as `npm start`
   * runs it) logs by design: its lines are then only counted, and kept for a failure report.
   */
  echo?: boolean;
}

export interface ServerProcess {
  name: string;
  pid: number;
  /** CPU time (user + system, every thread) the process has used so far, in seconds; undefined off Linux. */
  cpuSeconds(): number | undefined;
  /** Lines it has written so far (stdout and stderr). */
  outputLines(): number;
  stop(): Promise<void>;
}

/** How long a server gets to exit after SIGTERM before it is killed. */
const STOP_GRACE_MS = 5_000;
/** Linux reports /proc/<pid>/stat times in USER_HZ, which the kernel ABI fixes at 100 per second. */
const USER_HZ = 100;
/** Lines of a child's output kept to explain a failure. */
const OUTPUT_TAIL_LINES = 40;

const running = new Set<ChildProcess>();

/** Starts a server as a child process and resolves once it answers its ready URL. */
export async function startServer(options: ServerProcessOptions): Promise<ServerProcess> {
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      running.delete(child);
      resolve();
    });
  });
  child.once('error', (error) => process.stderr.write(`[${options.name}] ${error.message}\n`));

  // A benchmarked server should print nothing; whatever it does print is shown, and kept for a failure report.
  const tail: string[] = [];
  let lines = 0;
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line === '') continue;
      lines++;
      if (options.echo !== false) process.stderr.write(`[${options.name}] ${line}\n`);
      tail.push(line);
      if (tail.length > OUTPUT_TAIL_LINES) tail.shift();
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);

  const pid = child.pid;
  const server: ServerProcess = {
    name: options.name,
    pid: pid ?? -1,
    cpuSeconds: () => (pid === undefined ? undefined : processCpuSeconds(pid)),
    outputLines: () => lines,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };

  try {
    await waitUntilReady(options, child);
  } catch (error) {
    await server.stop();
    const output = tail.length > 0 ? `\nlast output:\n${tail.join('\n')}` : '';
    throw new Error(`${options.name} did not start: ${(error as Error).message}${output}`);
  }
  return server;
}

async function waitUntilReady(options: ServerProcessOptions, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + options.readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`it exited (${child.signalCode ?? `exit code ${child.exitCode}`})`);
    }
    try {
      const response = await fetch(options.readyUrl, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline)
      throw new Error(`${options.readyUrl} did not answer 200 within ${options.readyTimeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Stops every server still running (on completion, on error and on SIGINT alike). */
export async function stopAllServers(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS).unref();
        }),
    ),
  );
}

/** The last resort on `process.exit`: no server outlives its benchmark. */
export function killAllServersNow(): void {
  for (const child of running) child.kill('SIGKILL');
}

/**
 * `preferred` if nothing listens on it, else a port the kernel picks. Another process could take the port
 * before the server binds it; the server then fails to start, which is reported, never measured.
 */
export async function freePort(preferred: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(undefined));
      probe.listen(port, LOOPBACK, () => {
        const address = probe.address();
        const bound = typeof address === 'object' && address !== null ? address.port : undefined;
        probe.close(() => resolve(bound));
      });
    });
  const port = (await tryListen(preferred)) ?? (await tryListen(0));
  if (port === undefined) throw new Error(`no free port on ${LOOPBACK}`);
  return port;
}

/** CPU time (user + system, every thread) process `pid` has used so far, in seconds; undefined off Linux. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": state is field 3, utime field 14, stime field 15 (man 5 proc).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const userTicks = Number(fields[11]);
    const systemTicks = Number(fields[12]);
    if (!Number.isFinite(userTicks) || !Number.isFinite(systemTicks)) return undefined;
    return (userTicks + systemTicks) / USER_HZ;
  } catch {
    return undefined;
  }
}

/**
 * Pids of the processes named `name` (`/proc/<pid>/comm`, e.g. `postgres` for the postmaster and every backend),
 * whoever started them; empty off Linux.
 */
export function pidsNamed(name: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** `/proc/<pid>/cmdline` with spaces between arguments (Postgres rewrites its backends' to say whose they are). */
export function processCommandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}
