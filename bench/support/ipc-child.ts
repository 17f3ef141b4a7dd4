import { spawn, type ChildProcess } from 'node:child_process';
import { pinned } from './cpu-pinning';

/** What a child says: `{ type: 'ready' }`, results of its own, or `{ type: 'error', message }`. */
export interface ChildMessage {
  type: string;
  [field: string]: unknown;
}

export interface IpcChild {
  pid: number;
  /** Sends a message over the IPC channel (parameters, and anything secret, never go on a command line). */
  send(message: ChildMessage): void;
  /** The next message of `type` (earlier ones of other types are dropped); rejects on an `error` message or exit. */
  next(type: string, timeoutMs: number): Promise<ChildMessage>;
  /** Closes the channel (the child is expected to exit then) and kills it if it does not within 5 s. */
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
const STOP_GRACE_MS = 5_000;

/** The last resort on `process.exit`: no child outlives its benchmark. */
export function killIpcChildrenNow(): void {
  for (const child of children) child.kill('SIGKILL');
}

/**
 * Runs a TypeScript module (`node --import tsx <script>`) pinned to `core`, with an IPC channel: the benchmark's
 * helper processes (a bare queue consumer, a direct database writer) that must run on a core of their own.
 */
export function startIpcChild(options: {
  name: string;
  core: number;
  script: string;
  cwd: string;
  env: Record<string, string>;
}): IpcChild {
  const { command, args } = pinned(options.core, process.execPath, ['--import', 'tsx', options.script]);
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  children.add(child);
  const relay = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line !== '') process.stderr.write(`[${options.name}] ${line}\n`);
    }
  };
  child.stdout?.on('data', relay);
  child.stderr?.on('data', relay);

  const inbox: ChildMessage[] = [];
  let wake: (() => void) | undefined;
  let exited = false;
  child.on('message', (message: ChildMessage) => {
    inbox.push(message);
    wake?.();
  });
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      children.delete(child);
      wake?.();
      resolve();
    }),
  );

  return {
    pid: child.pid ?? -1,
    send: (message) => void child.send(message),
    async next(type, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const message = inbox.shift();
        if (message?.type === 'error') throw new Error(`${options.name}: ${String(message.message)}`);
        if (message?.type === type) return message;
        if (message !== undefined) continue;
        if (exited) throw new Error(`${options.name} exited before answering '${type}'`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`${options.name} did not answer '${type}' within ${timeoutMs / 1000} s`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    },
    async stop() {
      if (exited) return;
      if (child.connected) child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exit;
      clearTimeout(timer);
    },
  };
}
