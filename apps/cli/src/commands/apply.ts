import { AdminApiError } from '../admin-api-client';
import { CliError, ExitCode } from '../cli-error';
import { type CommandContext } from '../command-context';
import { LOCK_FILE_NAME, readLock, writeLock } from '../lock-file';
import { formatProblem } from '../problems';
import { driftReason, policyStates } from '../policy-states';
import { plural, policyDirectory, readValidPolicyFiles } from './policy-directory';

export interface ApplyOptions {
  dir: string;
  message?: string;
  /** Overwrite documents that drifted (changed outside the files) instead of refusing. */
  force: boolean;
}

/**
 * Puts the files in force: a new version for each document whose text is not the text in force, nothing for the
 * others (so `pull` then `apply` makes no version), and the lock file records the version in force of each.
 * Nothing is saved unless every file is valid (here and for the admin API), and a document changed outside the
 * files is not overwritten without `--force`.
 */
export async function applyCommand(context: CommandContext, options: ApplyOptions): Promise<ExitCode> {
  const directory = policyDirectory(context, options.dir);
  const files = readValidPolicyFiles(context, directory);
  const lock = readLock(directory);
  const client = context.client();
  const states = await policyStates(client, files, lock);

  const orphans = states.filter((state) => state.change === 'no-file');
  if (orphans.length > 0) {
    throw new CliError(
      `${orphans.map((state) => state.name).join(', ')}: named by ${LOCK_FILE_NAME} but no file holds it, and the ` +
        `admin API cannot delete a document: restore its file, or remove it from the lock file to stop managing it`,
    );
  }
  const overwritten = states.filter((state) => state.drift && state.change !== 'none');
  if (overwritten.length > 0 && !options.force) {
    overwritten.forEach((state) => context.err(`${state.name}: ${driftReason(state)}`));
    throw new CliError(
      `refusing to overwrite ${plural(overwritten.length, 'document')} changed outside these files: pull ` +
        `them into the files, or apply --force to replace them`,
      [],
      ExitCode.drift,
    );
  }

  const changes = states.filter((state) => state.change === 'new' || state.change === 'changed');
  const problems: string[] = [];
  for (const { file } of changes) {
    if (file === null) continue;
    const result = await client.validatePolicy(file.text);
    problems.push(...result.errors.map((problem) => formatProblem(file.shown, problem)));
  }
  if (problems.length > 0) {
    problems.forEach((line) => context.err(line));
    throw new CliError(`${plural(problems.length, 'problem')} in the policy files: nothing was applied`);
  }

  // Documents already in force are recorded as they are; the lock is written after each change, so that an
  // interrupted run still records what it put in force.
  for (const state of states) {
    if (state.change === 'none' && state.inForce !== null) lock.policies[state.name] = state.inForce.version;
  }
  writeLock(directory, lock);
  for (const { name, file, inForce } of changes) {
    if (file === null) continue;
    // Against the version just read: a change made on the server since is refused (409), never overwritten.
    const expected = inForce?.version ?? null;
    const saved = await client.putPolicy(name, file.text, options.message, expected).catch((error: unknown) => {
      // Refused after the check (the catalog changed in between): the problems, placed in the file.
      if (error instanceof AdminApiError) {
        error.problems.forEach((problem) => context.err(formatProblem(file.shown, problem)));
      }
      throw error;
    });
    lock.policies[name] = saved.version;
    writeLock(directory, lock);
    context.out(`${name}: version ${saved.version} in force (${file.shown})`);
  }
  context.out(
    changes.length === 0
      ? `No changes: the files in ${options.dir} are what is in force.`
      : `Applied ${plural(changes.length, 'document')}.`,
  );
  return ExitCode.ok;
}
