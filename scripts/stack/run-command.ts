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
    // The child leads its own process group (so a timeout can end its whole tree), which also means a
    // Ctrl-C at the terminal does not reach it: pass the signal on, and fail.
    const killTree = (signal: NodeJS.Signals) => {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, signal);
    };
    const onSignal = (signal: NodeJS.Signals) => {
      killTree(signal);
      reject(new Error(`\`${command}\` was interrupted (${signal})`));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const timer = setTimeout(() => {
      killTree('SIGKILL');
      reject(new Error(`\`${command}\` did not finish within ${Math.round(options.timeoutMs / 1000)}s`));
    }, options.timeoutMs);
    const settle = () => {
      clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
    child.on('error', (error) => {
      settle();
      reject(error);
    });
    child.on('exit', (code, signal) => {
      settle();
      if (code === 0) resolve();
      else reject(new Error(`\`${command}\` failed (${signal ? `signal ${signal}` : `exit code ${code}`})`));
    });
  });
}
