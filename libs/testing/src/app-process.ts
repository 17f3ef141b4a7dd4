import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';

/**
 * A backend app in an OS process of its own, built from the working tree: for tests that need a second process on
 * the same database and Redis (no shared memory between instances), or one they can SIGKILL.
 */

export type ProcessApp = 'gateway' | 'worker';

const ROOT = path.resolve(__dirname, '../../..');
const START_TIMEOUT_MS = 30_000;
const BUILD_TIMEOUT_MS = 60_000;
/** How long a signal other than SIGKILL may take to end the process before it gets SIGKILL. */
const SIGNAL_GRACE_MS = 10_000;
/** The tail of the process's output kept for failure messages. */
const OUTPUT_LIMIT = 64_000;

export interface AppProcess {
  /** `http://127.0.0.1:<port>`, where it answers `/healthz`. */
  url: string;
  child: ChildProcess;
  /** What it printed (the last 64 kB), for failure messages. */
  output(): string;
  /**
   * Sends `signal` (SIGKILL by default) if it still runs, and resolves once it has exited; a signal that has not
   * ended it within 10 s is followed by SIGKILL.
   */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface AppProcessOptions {
  /** The variables naming its listen host and port, e.g. `GATEWAY_HOST` / `GATEWAY_PORT`. */
  hostVariable: string;
  portVariable: string;
  /** Its environment (on top of `NODE_ENV=development`, `LOG_LEVEL=warn`, `LOG_FORMAT=json`). */
  env: Record<string, string>;
}

const compiled = new Map<ProcessApp, Promise<string>>();
const buildDirs: string[] = [];

// Jest gives each spec file its own instance of this module (and its own `process`, whose 'exit' never fires), so
// the builds live as long as the spec file that imports this: removed after its last test.
afterAll(() => {
  for (const directory of buildDirs.splice(0)) rmSync(directory, { recursive: true, force: true });
  compiled.clear();
});

/**
 * The app's `main.js`, compiled once per module instance as its Nx build does (`apps/<app>/project.json`, swc, about
 * a second), into a temp dir rather than `dist`: the process runs the working tree, and the tests build nothing that
 * others use. tsx cannot run these apps: esbuild emits no decorator metadata, which Nest's injection needs.
 */
export function compiledApp(app: ProcessApp): Promise<string> {
  let build = compiled.get(app);
  if (!build) {
    build = compileApp(app).catch((error: unknown) => {
      compiled.delete(app);
      throw error;
    });
    compiled.set(app, build);
  }
  return build;
}

async function compileApp(app: ProcessApp): Promise<string> {
  const outDir = mkdtempSync(path.join(tmpdir(), `gatehouse-${app}-build-`));
  buildDirs.push(outDir);
  const project = z
    .object({ targets: z.object({ build: z.object({ command: z.string() }) }) })
    .parse(JSON.parse(readFileSync(path.join(ROOT, `apps/${app}/project.json`), 'utf8')));
  const command = project.targets.build.command.replace(` -d dist/${app} `, ` -d ${outDir} `);
  if (command === project.targets.build.command) throw new Error(`the ${app} build no longer writes dist/${app}`);
  await promisify(execFile)('/bin/sh', ['-c', command], {
    cwd: ROOT,
    env: { PATH: [path.join(ROOT, 'node_modules/.bin'), path.dirname(process.execPath), '/usr/bin', '/bin'].join(':') },
    timeout: BUILD_TIMEOUT_MS,
  });
  return path.join(outDir, `apps/${app}/src/main.js`);
}

export async function freeLocalPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the app on 127.0.0.1 and a free port; resolves once `/healthz` answers 200 (within 30 s, or it is killed and
 * this throws with its output).
 */
export async function startAppProcess(app: ProcessApp, options: AppProcessOptions): Promise<AppProcess> {
  const main = await compiledApp(app);
  const port = await freeLocalPort();
  const child = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: {
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      ...options.env,
      [options.hostVariable]: '127.0.0.1',
      [options.portVariable]: String(port),
      // The compiled files live outside the repository: packages resolve from its node_modules.
      NODE_PATH: path.join(ROOT, 'node_modules'),
    },
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

  const appProcess: AppProcess = {
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
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && running()) {
    const ready = await fetch(`${appProcess.url}/healthz`, { signal: AbortSignal.timeout(1_000) }).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) return appProcess;
    await sleep(100);
  }
  const exitedEarly = !running();
  await appProcess.kill('SIGKILL');
  throw new Error(
    `${exitedEarly ? `the ${app} process exited before it was ready` : `the ${app} process did not become ready within ${START_TIMEOUT_MS} ms`}:\n${appProcess.output().slice(-3_000)}`,
  );
}
