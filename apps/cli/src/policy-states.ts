import { type AdminApiClient } from './admin-api-client';
import { type PolicyLock } from './lock-file';
import { type PolicyFile, sameText } from './policy-files';

/** How a document of the files (or of the lock file) stands against the one in force. */
export interface PolicyState {
  name: string;
  /** Null for a document the lock file names but no file holds. */
  file: PolicyFile | null;
  /** The version in force and its text; null when the document has no version yet. */
  inForce: { version: number; yaml: string } | null;
  /** The version the lock file records; null when it records none. */
  lockedVersion: number | null;
  /** The version in force is not the one the lock file records: it was changed outside these files. */
  drift: boolean;
  change: 'none' | 'new' | 'changed' | 'no-file';
}

/**
 * Every document of the (locally valid) files and of the lock file, each against the version in force, by name.
 * A document is changed when its text is not the text in force; only line endings are ignored (`sameText`).
 */
export async function policyStates(
  client: AdminApiClient,
  files: readonly PolicyFile[],
  lock: PolicyLock,
): Promise<PolicyState[]> {
  const fileByName = new Map(
    files.flatMap((file) => (file.parsed.ok ? [[file.parsed.document.metadata.name, file]] : [])),
  );
  const names = [...new Set([...fileByName.keys(), ...Object.keys(lock.policies)])].sort();
  const states: PolicyState[] = [];
  for (const name of names) {
    const file = fileByName.get(name) ?? null;
    const policy = await client.getPolicy(name);
    const inForce =
      policy !== null && policy.activeVersion !== null && policy.yaml !== null
        ? { version: policy.activeVersion, yaml: policy.yaml }
        : null;
    const lockedVersion = lock.policies[name] ?? null;
    let change: PolicyState['change'];
    if (file === null) change = 'no-file';
    else if (inForce === null) change = 'new';
    else change = sameText(inForce.yaml, file.text) ? 'none' : 'changed';
    states.push({
      name,
      file,
      inForce,
      lockedVersion,
      drift: lockedVersion !== null && (inForce?.version ?? null) !== lockedVersion,
      change,
    });
  }
  return states;
}

/** `version 5 is in force, the lock file records 3` (or that none is in force any more). */
export function driftReason(state: PolicyState): string {
  const inForce = state.inForce === null ? 'no version is in force' : `version ${state.inForce.version} is in force`;
  return `${inForce}, the lock file records ${state.lockedVersion}: it was changed outside these files`;
}
