import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gatewayConfigSchema, parseConfig } from '@gatehouse/config';
import { type TestDatabase, type TestRedis } from '@gatehouse/testing';
import { z } from 'zod';

/**
 * A gateway in an OS process of its own, built from the working tree: for tests that need a second process on the
 * same database and Redis (no shared memory between instances), or one they can SIGKILL.
 */

const ROOT = path.resolve(__dirname, '../../..');
const START_TIMEOUT_MS = 30_000;
const BUILD_TIMEOUT_MS = 60_000;
/** How long a signal other than SIGKILL may take to end the process before it gets SIGKILL. */
const SIGNAL_GRACE_MS = 10_000;
/** The tail of the process's output kept for failure messages. */
const OUTPUT_LIMIT = 64_000;

export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  /** What it printed (the last 64 kB), for failure messages. */
  output(): string;
  /**
   * Sends `signal` (SIGKILL by default) if it still runs, and resolves once it has exited; a signal that has not
   * ended it within 10 s is followed by SIGKILL.
   */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGKILLs it if it still runs and removes its usage spool. Safe to call more than once, and after `kill`. */
  stop(): Promise<void>;
}

let compiled: Promise<string> | undefined;
const buildDirs: string[] = [];

// Jest gives each spec file its own instance of this module (and its own `process`, whose 'exit' never fires), so
// the build lives as long as the spec file that imports this: removed after its last test.
afterAll(() => {
  for (const directory of buildDirs.splice(0)) rmSync(directory, { recursive: true, force: true });
  compiled = undefined;
});

/**
 * The gateway's `main.js`, compiled once per module instance as its Nx build does (`apps/gateway/project.json`, swc,
 * about a second), into a temp dir rather than `dist`: the process runs the working tree, and the tests build
 * nothing that others use. tsx cannot run the gateway: esbuild emits no decorator metadata, which Nest's injection
 * needs.
 */
export function compiledGateway(): Promise<string> {
  compiled ??= compileGateway().catch((error: unknown) => {
    compiled = undefined;
    throw error;
  });
  return compiled;
}

async function compileGateway(): Promise<string> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-gateway-build-'));
  buildDirs.push(outDir);
  const project = z
    .object({ targets: z.object({ build: z.object({ command: z.string() }) }) })
    .parse(JSON.parse(readFileSync(path.join(ROOT, 'apps/gateway/project.json'), 'utf8')));
  const command = project.targets.build.command.replace(' -d dist/gateway ', ` -d ${outDir} `);
  if (command === project.targets.build.command) throw new Error('the gateway build no longer writes dist/gateway');
  await promisify(execFile)('/bin/sh', ['-c', command], {
    cwd: ROOT,
    env: { PATH: [path.join(ROOT, 'node_modules/.bin'), path.dirname(process.execPath), '/usr/bin', '/bin'].join(':') },
    timeout: BUILD_TIMEOUT_MS,
  });
  return path.join(outDir, 'apps/gateway/src/main.js');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a gateway process on `harness`'s database and Redis prefix, with a usage spool of its own (a temp dir that
 * `stop` removes), `LOG_LEVEL=warn` and `env` on top; resolves once `/healthz` answers 200 (within 30 s, or it is
 * killed and this throws with its output).
 */
export async function startGatewayProcess(
  harness: { database: Pick<TestDatabase, 'url'>; redis: Pick<TestRedis, 'url' | 'prefix'> },
  env: Record<string, string> = {},
): Promise<GatewayProcess> {
  const main = await compiledGateway();
  const port = await freePort();
  const spoolDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-gateway-process-spool-'));
  const childEnv = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    GATEWAY_HOST: '127.0.0.1',
    GATEWAY_PORT: String(port),
    DATABASE_URL: harness.database.url,
    REDIS_URL: harness.redis.url,
    REDIS_KEY_PREFIX: harness.redis.prefix,
    GATEWAY_USAGE_SPOOL_DIR: spoolDir,
    ...env,
  };
  try {
    // Validated here first, so that a wrong variable fails with its name rather than as a process that never starts.
    parseConfig('gateway', gatewayConfigSchema, childEnv);
  } catch (error) {
    rmSync(spoolDir, { recursive: true, force: true });
    throw error;
  }
  const child = spawn(process.execPath, [main], {
    cwd: ROOT,
    // The compiled files live outside the repository: packages resolve from its node_modules.
    env: { ...childEnv, NODE_PATH: path.join(ROOT, 'node_modules') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const capture = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > 2 * OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);
  // 'close', not 'exit': by then its pipes are drained too, so nothing of it is left open.
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;

  const gatewayProcess: GatewayProcess = {
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => output.slice(-OUTPUT_LIMIT),
    async kill(signal = 'SIGKILL') {
      if (running()) child.kill(signal);
      if (signal === 'SIGKILL') return exited;
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), SIGNAL_GRACE_MS)));
      const outcome = await Promise.race([exited, grace]);
      clearTimeout(timer);
      if (outcome === 'late') {
        if (running()) child.kill('SIGKILL');
        await exited;
      }
    },
    async stop() {
      try {
        await gatewayProcess.kill('SIGKILL');
      } finally {
        rmSync(spoolDir, { recursive: true, force: true });
      }
    },
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && running()) {
    const ready = await fetch(`${gatewayProcess.url}/healthz`, { signal: AbortSignal.timeout(1_000) }).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) return gatewayProcess;
    await sleep(100);
  }
  const exitedEarly = !running();
  await gatewayProcess.stop();
  throw new Error(
    `${exitedEarly ? 'the gateway process exited before it was ready' : `the gateway process did not become ready within ${START_TIMEOUT_MS} ms`}:\n${gatewayProcess.output().slice(-3_000)}`,
  );
}
