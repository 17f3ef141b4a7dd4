import path from 'node:path';
import { CliError } from '../cli-error';
import { type CommandContext } from '../command-context';
import { localProblems, type PolicyFile, readPolicyDirectory } from '../policy-files';

/** The `--dir` of a command, from the working directory. */
export function policyDirectory(context: CommandContext, dir: string): string {
  return path.resolve(context.cwd, dir);
}

/**
 * The directory's files when each is a valid document of its own name; otherwise every problem is printed and
 * the command stops before it asks or changes anything.
 */
export function readValidPolicyFiles(context: CommandContext, directory: string): PolicyFile[] {
  const files = readPolicyDirectory(directory, context.cwd);
  const problems = localProblems(files);
  if (problems.length > 0) {
    problems.forEach((line) => context.err(line));
    throw new CliError(`${plural(problems.length, 'problem')} in the policy files: nothing was done`);
  }
  return files;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
