import { killAllServersNow, stopAllServers } from './server-process';

export interface BenchSession<Options> {
  /** Parses the command line; throws with a message for people (printed, exit 2). */
  readOptions(): Options;
  /** The longest the whole session may take with these options; past it everything is stopped (exit 1). */
  budgetMs(options: Options): number;
  /** The benchmark itself; resolves with the exit code. */
  main(options: Options): Promise<number>;
  /** Kills, synchronously, what the benchmark started besides its servers (load generators, child processes). */
  killNow(): void;
  /** Said on Ctrl-C, e.g. "stopping the servers". */
  interrupted: string;
}

/**
 * Runs a benchmark script as a bounded session: options read first (exit 2 on a bad one), a time budget after
 * which everything is stopped, and on any end (success, failure, Ctrl-C, SIGTERM, an exception) its servers and
 * children are stopped, so that no process of a benchmark outlives it.
 */
export function runBenchSession<Options>(session: BenchSession<Options>): void {
  let exiting = false;
  const shutdown = async (code: number): Promise<void> => {
    if (exiting) return;
    exiting = true;
    session.killNow();
    await stopAllServers();
    process.exit(code);
  };
  process.once('exit', () => {
    session.killNow();
    killAllServersNow();
  });
  process.once('SIGINT', () => {
    process.stderr.write(`\ninterrupted: ${session.interrupted}\n`);
    void shutdown(130);
  });
  process.once('SIGTERM', () => void shutdown(143));

  let options: Options;
  try {
    options = session.readOptions();
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  const budgetMs = session.budgetMs(options);
  setTimeout(() => {
    process.stderr.write(`\nthe benchmark did not finish within ${Math.round(budgetMs / 1000)} s\n`);
    void shutdown(1);
  }, budgetMs).unref();

  session.main(options).then(
    (code) => void shutdown(code),
    (error: unknown) => {
      process.stderr.write(`\nbenchmark failed: ${error instanceof Error ? error.message : String(error)}\n`);
      void shutdown(1);
    },
  );
}
