import { type PolicyDocument, policyLineAt } from '@gatehouse/domain';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CliError, ExitCode } from '../cli-error';
import { type CommandContext } from '../command-context';
import { localProblems, type PolicyFile, readPolicyDirectory, readPolicyFile, shownPath } from '../policy-files';
import { caseFailure, decide, parsePolicyTestFile } from '../policy-tests';
import { formatProblem } from '../problems';
import { plural } from './policy-directory';

/**
 * Runs policy test files offline: each case's request is decided by the documents the file names, with the
 * gateway's own code, and compared with the decision (and rule) it expects. Every failure is printed.
 */
export function testCommand(context: CommandContext, testFiles: string[]): ExitCode {
  let passed = 0;
  let failed = 0;
  let broken = 0;
  for (const testFile of testFiles) {
    const file = path.resolve(context.cwd, testFile);
    const shown = shownPath(file, context.cwd);
    if (!existsSync(file) || !statSync(file).isFile()) throw new CliError(`${shown}: no such test file`);
    const text = readFileSync(file, 'utf8');
    const parsed = parsePolicyTestFile(text);
    if (!parsed.ok) {
      parsed.problems.forEach((problem) => context.err(formatProblem(shown, problem)));
      broken += 1;
      continue;
    }
    const documents = loadDocuments(context, path.dirname(file), parsed.spec.policies);
    if (documents === null) {
      broken += 1;
      continue;
    }
    parsed.spec.cases.forEach((entry, index) => {
      const failure = caseFailure(entry, decide(documents, entry.request));
      if (failure === null) {
        passed += 1;
        return;
      }
      failed += 1;
      const line = policyLineAt(text, ['cases', index]);
      context.err(formatProblem(shown, { field: '', reason: `"${entry.name}": ${failure}`, line }));
    });
  }
  const summary = `${plural(passed, 'case')} passed, ${failed} failed`;
  if (broken > 0) {
    context.err(`${summary}; ${plural(broken, 'test file')} could not be run.`);
    return ExitCode.failure;
  }
  if (failed > 0) {
    context.err(`${summary}.`);
    return ExitCode.failure;
  }
  context.out(`${summary}.`);
  return ExitCode.ok;
}

/** The documents a test file names (files or directories of them), by name; null after printing their problems. */
function loadDocuments(
  context: CommandContext,
  base: string,
  entries: readonly string[],
): Map<string, PolicyDocument> | null {
  const files: PolicyFile[] = [];
  for (const entry of entries) {
    const target = path.resolve(base, entry);
    if (!existsSync(target)) {
      context.err(`${shownPath(target, context.cwd)}: no such policy file or directory`);
      return null;
    }
    if (statSync(target).isDirectory()) files.push(...readPolicyDirectory(target, context.cwd));
    else files.push(readPolicyFile(target, context.cwd));
  }
  const problems = localProblems(files);
  if (problems.length > 0) {
    problems.forEach((line) => context.err(line));
    return null;
  }
  return new Map(
    files.flatMap((file) => (file.parsed.ok ? [[file.parsed.document.metadata.name, file.parsed.document]] : [])),
  );
}
