import { spawn } from 'node:child_process';

export interface RunCommandOptions {
  cwd: string;
  env?: Record<string, string>;
  /** Kills the command (and fails) after this long: no step of start or test may hang. */
  timeoutMs: number;
  /** Where the command's output goes; inherited by default. */
  quiet?: boolean;
}

/** Runs one shell command to completion, rejecting with its exit code or timeout. */
export function runCommand(command: string, options: RunCommandOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      shell: true,
      stdio: options.quiet ? 'ignore' : 'inherit',
      detached: true,
    });
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
      reject(new Error(`\`${command}\` did not finish within ${Math.round(options.timeoutMs / 1000)}s`));
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`\`${command}\` failed (${signal ? `signal ${signal}` : `exit code ${code}`})`));
    });
  });
}
