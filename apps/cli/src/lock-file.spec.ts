import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CliError } from './cli-error';
import { LOCK_FILE_NAME, readLock, writeLock } from './lock-file';

describe('policy lock file', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'gatehouse-lock-'));
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('is empty before anything was pulled or applied', () => {
    expect(readLock(directory)).toEqual({ lockfileVersion: 1, policies: {} });
  });

  it('is written with its names in order, one per line, and read back', () => {
    writeLock(directory, { lockfileVersion: 1, policies: { 'tenant:x': 2, global: 5, 'product:demo': 1 } });
    expect(readFileSync(path.join(directory, LOCK_FILE_NAME), 'utf8')).toBe(
      '{\n  "lockfileVersion": 1,\n  "policies": {\n    "global": 5,\n    "product:demo": 1,\n    "tenant:x": 2\n  }\n}\n',
    );
    expect(readLock(directory).policies).toEqual({ global: 5, 'product:demo': 1, 'tenant:x': 2 });
  });

  it('refuses a file that is not a lock file, saying which', () => {
    writeFileSync(path.join(directory, LOCK_FILE_NAME), '{ "policies": ');
    expect(() => readLock(directory)).toThrow(CliError);
    expect(() => readLock(directory)).toThrow(/is not valid JSON/);
    writeFileSync(path.join(directory, LOCK_FILE_NAME), '{ "lockfileVersion": 1, "policies": { "global": "3" } }');
    expect(() => readLock(directory)).toThrow(/is not a policy lock file/);
  });
});
