/** The exit codes of every command (docs/cli.md). */
export const ExitCode = {
  ok: 0,
  /** An invalid document, a failed test case, a refused request or any other error. */
  failure: 1,
  /** `diff`: the files change what is in force. */
  changes: 2,
  /** `diff` (and `apply` without `--force`): a document in force is not the version the lock file records. */
  drift: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error the command reports as one line (`gatehouse: <message>`) and exits with, never with a stack trace;
 * `lines` are printed after it, one per line (the problems a server named).
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly lines: readonly string[] = [],
    readonly exitCode: ExitCode = ExitCode.failure,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
