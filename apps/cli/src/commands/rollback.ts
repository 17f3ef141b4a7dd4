import { ExitCode } from '../cli-error';
import { type CommandContext } from '../command-context';

export interface RollbackOptions {
  to: number;
  message?: string;
}

/**
 * Puts the content of an earlier version back in force, as a new version. The files and the lock file are left
 * as they are: the files no longer say what is in force, so `diff` reports drift until they are pulled.
 */
export async function rollbackCommand(
  context: CommandContext,
  name: string,
  options: RollbackOptions,
): Promise<ExitCode> {
  const saved = await context.client().rollbackPolicy(name, options.to, options.message);
  context.out(`${saved.name}: version ${saved.version} in force, with the content of version ${options.to}.`);
  context.out(
    `The policy files still hold the text before: pull it ("gatehouse policy pull ${saved.name}") and commit.`,
  );
  return ExitCode.ok;
}
