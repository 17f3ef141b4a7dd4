import { type CliConfig, cliConfigSchema, ConfigError, type Environment, parseConfig } from '@gatehouse/config';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { AdminApiClient } from './admin-api-client';
import { CliError, ExitCode } from './cli-error';
import { type CommandContext } from './command-context';
import { applyCommand } from './commands/apply';
import { diffCommand } from './commands/diff';
import { pullCommand } from './commands/pull';
import { rollbackCommand } from './commands/rollback';
import { testCommand } from './commands/test';
import { validateCommand } from './commands/validate';
import { LOCK_FILE_NAME } from './lock-file';

export interface CliIo {
  /** The environment the configuration is read from (GATEHOUSE_ADMIN_URL, GATEHOUSE_TOKEN). */
  env: Environment;
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

const DEFAULT_DIR = 'policies';

/**
 * `gatehouse <command>` with `argv` (without the program's own arguments): runs it and resolves with the exit
 * code. It never throws and never prints a stack trace: a failure is one line on stderr (`gatehouse: …`).
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = ExitCode.ok;
  let client: AdminApiClient | null = null;
  const context: CommandContext = {
    cwd: io.cwd,
    out: (line) => io.stdout(`${line}\n`),
    err: (line) => io.stderr(`${line}\n`),
    client: () => (client ??= adminApiClient(io.env)),
  };

  const program = new Command('gatehouse')
    .description('Gatehouse from the command line.')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .allowExcessArguments(false)
    .showHelpAfterError('(add --help for usage)');
  const policy = program
    .command('policy')
    .description('Policy documents as code: a directory of YAML files, one document each, against the admin API.')
    .addHelpText(
      'after',
      `
Environment:
  GATEHOUSE_ADMIN_URL  the admin API (default http://localhost:3001)
  GATEHOUSE_TOKEN      a platform admin's session token (POST /api/v1/auth/login); never printed

Exit codes: 0 done (diff: no changes), 1 invalid documents, failed tests or an error,
  2 (diff) changes to apply, 3 (diff, apply) drift: a document in force is not the version
  ${LOCK_FILE_NAME} records, so it was changed outside the files.`,
    );
  const dirOption = ['--dir <path>', 'the directory of policy files', DEFAULT_DIR] as const;

  policy
    .command('validate')
    .description('check every document: schema here, then what it names with the admin API')
    .option(...dirOption)
    .option('--offline', 'check only the schema, without the admin API', false)
    .action(async (options: { dir: string; offline: boolean }) => {
      exitCode = await validateCommand(context, options);
    });
  policy
    .command('diff')
    .description('show what apply would change; exit 0 none, 2 changes, 3 drift')
    .option(...dirOption)
    .action(async (options: { dir: string }) => {
      exitCode = await diffCommand(context, options);
    });
  policy
    .command('apply')
    .description('put every changed document in force (a new version each) and update the lock file')
    .option(...dirOption)
    .option('-m, --message <text>', 'why: kept with each new version')
    .option('--force', 'overwrite documents changed outside the files (drift) instead of refusing', false)
    .action(async (options: { dir: string; message?: string; force: boolean }) => {
      exitCode = await applyCommand(context, options);
    });
  policy
    .command('pull')
    .description('write the documents in force (or the named ones) into the directory, as saved')
    .argument('[names...]', 'documents to pull (global, product:<slug>, tenant:<id>); all by default')
    .option(...dirOption)
    .action(async (names: string[], options: { dir: string }) => {
      exitCode = await pullCommand(context, names, options);
    });
  policy
    .command('rollback')
    .description('put the content of an earlier version back in force, as a new version')
    .argument('<name>', 'the document (global, product:<slug>, tenant:<id>)')
    .requiredOption('--to <version>', 'the version whose content goes back in force', positiveInteger)
    .option('-m, --message <text>', 'why (default "Rollback to version N")')
    .action(async (name: string, options: { to: number; message?: string }) => {
      exitCode = await rollbackCommand(context, name, options);
    });
  policy
    .command('test')
    .description('run policy test files offline: requests and the decisions expected for them')
    .argument('<files...>', 'test files (YAML)')
    .action((files: string[]) => {
      exitCode = testCommand(context, files);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    // Help and usage errors: commander has printed them already.
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError) {
      context.err(`gatehouse: ${error.message}`);
      error.lines.forEach((line) => context.err(line));
      return error.exitCode;
    }
    const message = (error as { message?: unknown } | null)?.message;
    context.err(`gatehouse: ${typeof message === 'string' ? message : String(error)}`);
    return ExitCode.failure;
  }
}

function adminApiClient(env: Environment): AdminApiClient {
  const config = cliConfig(env);
  if (config.token === null) {
    throw new CliError(
      "GATEHOUSE_TOKEN is not set: it must hold a platform admin's session token (POST /api/v1/auth/login answers one)",
    );
  }
  return new AdminApiClient(config.adminUrl, config.token);
}

/** The configuration, or one line naming every variable that is wrong. */
function cliConfig(env: Environment): CliConfig {
  try {
    return parseConfig('gatehouse', cliConfigSchema, env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.problems.join('; '));
    throw error;
  }
}

function positiveInteger(value: string): number {
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError('must be a version number (1, 2, …).');
  return Number(value);
}
