import { CliError, ExitCode } from '../cli-error';
import { type CommandContext } from '../command-context';
import { localProblems, readPolicyDirectory } from '../policy-files';
import { formatProblem } from '../problems';
import { plural, policyDirectory } from './policy-directory';

export interface ValidateOptions {
  dir: string;
  offline: boolean;
}

/**
 * Checks every document of the directory: first here (syntax, schema, one file per name), then, unless offline,
 * with the admin API, which also checks what each names (its product or tenant, the public model names).
 */
export async function validateCommand(context: CommandContext, options: ValidateOptions): Promise<ExitCode> {
  const directory = policyDirectory(context, options.dir);
  const files = readPolicyDirectory(directory, context.cwd);
  if (files.length === 0) throw new CliError(`no policy files (*.yaml) in ${options.dir}`);
  const problems = localProblems(files);
  if (!options.offline) {
    const client = context.client();
    for (const file of files) {
      if (!file.parsed.ok) continue;
      const result = await client.validatePolicy(file.text);
      problems.push(...result.errors.map((problem) => formatProblem(file.shown, problem)));
    }
  }
  if (problems.length > 0) {
    problems.forEach((line) => context.err(line));
    context.err(`${plural(problems.length, 'problem')} (${plural(files.length, 'policy file')} checked).`);
    return ExitCode.failure;
  }
  const checked = options.offline ? 'valid (schema only, offline)' : 'valid';
  context.out(`${plural(files.length, 'policy document')} ${checked}.`);
  return ExitCode.ok;
}
