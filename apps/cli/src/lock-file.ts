import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CliError } from './cli-error';

/**
 * The lock file of a policy directory: for each document the files manage, the version in force when the files
 * and the server last agreed (after a `pull` or an `apply`). A version in force that is not this one was made
 * outside the files: drift. Commit it with the files.
 */
export const LOCK_FILE_NAME = '.gatehouse-policy-lock.json';

const lockSchema = z.strictObject({
  lockfileVersion: z.literal(1),
  policies: z.record(z.string(), z.number().int().positive()),
});
export type PolicyLock = z.infer<typeof lockSchema>;

export function emptyLock(): PolicyLock {
  return { lockfileVersion: 1, policies: {} };
}

export function lockPath(directory: string): string {
  return path.join(directory, LOCK_FILE_NAME);
}

/** The directory's lock; empty when there is none yet (nothing pulled or applied from it). */
export function readLock(directory: string): PolicyLock {
  const file = lockPath(directory);
  if (!existsSync(file)) return emptyLock();
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(`${file} is not valid JSON (${(error as Error).message}); restore it from version control`);
  }
  const parsed = lockSchema.safeParse(json);
  if (!parsed.success) {
    throw new CliError(`${file} is not a policy lock file (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  }
  return parsed.data;
}

/** Names in order and two-space JSON, so that a change is a one-line diff in review. */
export function writeLock(directory: string, lock: PolicyLock): void {
  const sorted = Object.fromEntries(Object.entries(lock.policies).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const file = lockPath(directory);
  // Written aside and renamed, so that an interrupted run never leaves half a lock file.
  writeFileSync(`${file}.tmp`, `${JSON.stringify({ lockfileVersion: 1, policies: sorted }, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}
