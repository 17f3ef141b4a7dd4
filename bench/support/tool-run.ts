import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The environment of a workspace tool (npm scripts, nx): enough to find node and the workspace's bins, and
 * nothing of this process's own environment besides.
 */
export function toolEnvironment(root: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: [
      path.dirname(process.execPath),
      path.join(root, 'node_modules/.bin'),
      '/usr/local/bin',
      '/usr/bin',
      '/bin',
    ].join(path.delimiter),
    HOME: os.homedir(),
    NX_DAEMON: 'false',
    NX_TUI: 'false',
    NX_NO_CLOUD: 'true',
    ...extra,
  };
}

/** npm next to this node binary (what `npm run` would be), by absolute path. */
export function npmPath(): string {
  const npm = path.join(path.dirname(process.execPath), 'npm');
  if (!existsSync(npm)) throw new Error(`npm not found next to ${process.execPath}`);
  return npm;
}

const OUTPUT_TAIL_LINES = 40;

/**
 * Runs a tool to completion within `timeoutMs`. Its output is kept and shown only if it fails (it may name
 * the database, never a secret: the tools mask URLs themselves).
 */
export function runTool(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs: number; showOutput?: boolean },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line === '') continue;
        if (options.showOutput) process.stderr.write(`[${name}] ${line}\n`);
        tail.push(line);
        if (tail.length > OUTPUT_TAIL_LINES) tail.shift();
      }
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const output = options.showOutput || tail.length === 0 ? '' : `\n${tail.join('\n')}`;
      reject(new Error(`${name} failed (${signal ?? `exit code ${code}`})${output}`));
    });
  });
}
