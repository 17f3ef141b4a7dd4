import { Command, concurrently } from 'concurrently';
import { type Writable } from 'node:stream';
import { type StackApp } from './stack-apps';

export interface RunningStack {
  /** Resolves when every app answers its ready URL; rejects naming the apps that did not. */
  ready: Promise<void>;
  /** Resolves when every app has exited. */
  exited: Promise<void>;
  stop(): Promise<void>;
}

export interface RunStackOptions {
  cwd: string;
  outputStream?: Writable;
  readyTimeoutMs: number;
}

/** Starts the apps side by side with prefixed output (concurrently), and watches them become ready. */
export function runStack(apps: StackApp[], options: RunStackOptions): RunningStack {
  const { commands, result } = concurrently(
    apps.map((app) => ({ name: app.name, command: app.command, env: app.env })),
    {
      cwd: options.cwd,
      prefix: 'name',
      padPrefix: true,
      killOthersOn: ['failure'],
      outputStream: options.outputStream,
      // Ctrl-C reaches every child through the process group; concurrently waits for them to exit.
      handleInput: false,
    },
  );

  let stopping = false;
  const exited = result.then(
    () => undefined,
    () => undefined,
  );
  const ready = waitUntilReady(apps, options.readyTimeoutMs, () => stopping, commands);

  return {
    ready,
    exited,
    async stop() {
      stopping = true;
      for (const command of commands) if (Command.canKill(command)) command.kill('SIGTERM');
      const forceKill = setTimeout(() => {
        for (const command of commands) if (Command.canKill(command)) command.kill('SIGKILL');
      }, 10_000);
      await exited;
      clearTimeout(forceKill);
    },
  };
}

async function waitUntilReady(
  apps: StackApp[],
  timeoutMs: number,
  isStopping: () => boolean,
  commands: Command[],
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(apps);
  while (pending.size > 0) {
    if (isStopping()) throw new Error('the stack was stopped before it was ready');
    const exitedEarly = commands.filter((command) => command.exited).map((command) => command.name);
    if (exitedEarly.length > 0) throw new Error(`exited before becoming ready: ${exitedEarly.join(', ')}`);
    if (Date.now() > deadline) {
      throw new Error(`not ready after ${timeoutMs / 1000}s: ${[...pending].map((app) => app.readyUrl).join(', ')}`);
    }
    await Promise.all(
      [...pending].map(async (app) => {
        if (await answers(app.readyUrl)) pending.delete(app);
      }),
    );
    if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}
