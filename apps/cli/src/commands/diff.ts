import { ExitCode } from '../cli-error';
import { type CommandContext } from '../command-context';
import { unifiedDiff } from '../line-diff';
import { LOCK_FILE_NAME, readLock } from '../lock-file';
import { withUnixLineEndings } from '../policy-files';
import { driftReason, type PolicyState, policyStates } from '../policy-states';
import { policyDirectory, readValidPolicyFiles } from './policy-directory';

export interface DiffOptions {
  dir: string;
}

/**
 * Compares the files with what is in force: a unified diff per document that `apply` would change, then one
 * line per document that is new, changed, drifted or has lost its file. Exit 0 (nothing), 2 (changes) or 3
 * (drift: a document in force is not the version the lock file records); drift wins over changes.
 */
export async function diffCommand(context: CommandContext, options: DiffOptions): Promise<ExitCode> {
  const directory = policyDirectory(context, options.dir);
  const files = readValidPolicyFiles(context, directory);
  const lock = readLock(directory);
  const client = context.client();
  const states = await policyStates(client, files, lock);

  for (const state of states) {
    const text = patchOf(state);
    if (text !== '') context.out(text.replace(/\n$/, ''));
  }
  const summary = states.flatMap((state) => summaryLines(state, options.dir));
  const managed = new Set(states.map((state) => state.name));
  const others = (await client.listPolicies()).items.filter(
    (item) => !managed.has(item.name) && item.activeVersion !== null,
  );
  for (const item of others) {
    summary.push(`  not in the files  ${item.name} (version ${item.activeVersion} is in force; pull adds it)`);
  }

  const drifted = states.some((state) => state.drift);
  const changed = states.some((state) => state.change !== 'none');
  if (!drifted && !changed) {
    context.out(`No changes: the files in ${options.dir} are what is in force.`);
    summary.forEach((line) => context.out(line));
    return ExitCode.ok;
  }
  context.out(drifted ? 'Drift and changes:' : 'Changes:');
  summary.forEach((line) => context.out(line));
  return drifted ? ExitCode.drift : ExitCode.changes;
}

/** What `apply` would change in a document, as a unified diff from the text in force to the file. */
function patchOf(state: PolicyState): string {
  if (state.file === null || state.change === 'none') return '';
  const after = withUnixLineEndings(state.file.text);
  if (state.inForce === null) {
    return unifiedDiff('', after, { before: `${state.name} (not in force)`, after: state.file.shown });
  }
  return unifiedDiff(withUnixLineEndings(state.inForce.yaml), after, {
    before: `${state.name} (in force, version ${state.inForce.version})`,
    after: state.file.shown,
  });
}

function summaryLines(state: PolicyState, dir: string): string[] {
  const lines: string[] = [];
  if (state.drift) lines.push(`  drift    ${state.name}: ${driftReason(state)}`);
  switch (state.change) {
    case 'new':
      lines.push(`  new      ${state.name} (${state.file?.shown})`);
      break;
    case 'changed':
      lines.push(`  changed  ${state.name} (${state.file?.shown})`);
      break;
    case 'no-file':
      lines.push(
        `  no file  ${state.name}: the lock file names it but no file in ${dir} holds it; the admin API cannot ` +
          `delete a document: restore its file, or remove it from ${LOCK_FILE_NAME} to stop managing it`,
      );
      break;
    case 'none':
      break;
  }
  return lines;
}
