import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CliError, ExitCode } from '../cli-error';
import { type CommandContext } from '../command-context';
import { readLock, writeLock } from '../lock-file';
import { policyFileName, readPolicyDirectory, shownPath } from '../policy-files';
import { plural, policyDirectory } from './policy-directory';

export interface PullOptions {
  dir: string;
}

/**
 * Writes each document in force (or the named ones) into the directory, exactly as it was saved, into the file
 * that already holds that name or else `<name>.yaml` (`:` becomes `-`), and records its version in the lock file.
 */
export async function pullCommand(context: CommandContext, names: string[], options: PullOptions): Promise<ExitCode> {
  const directory = policyDirectory(context, options.dir);
  mkdirSync(directory, { recursive: true });
  const existing = new Map<string, string>();
  for (const file of readPolicyDirectory(directory, context.cwd)) {
    if (file.name !== null && !existing.has(file.name)) existing.set(file.name, file.path);
  }
  const client = context.client();
  const wanted =
    names.length > 0
      ? names
      : (await client.listPolicies()).items.filter((item) => item.activeVersion !== null).map((item) => item.name);

  const lock = readLock(directory);
  let written = 0;
  for (const name of wanted) {
    const policy = await client.getPolicy(name);
    if (policy === null || policy.activeVersion === null || policy.yaml === null) {
      throw new CliError(`no document named ${name} is in force`);
    }
    const file = existing.get(name) ?? path.join(directory, policyFileName(name));
    writeFileSync(file, policy.yaml);
    lock.policies[name] = policy.activeVersion;
    writeLock(directory, lock);
    written += 1;
    context.out(`${name}: version ${policy.activeVersion} written to ${shownPath(file, context.cwd)}`);
  }
  context.out(`Pulled ${plural(written, 'document')} into ${options.dir}.`);
  return ExitCode.ok;
}
