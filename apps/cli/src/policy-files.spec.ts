import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { localProblems, policyFileName, policyNameOf, readPolicyDirectory, sameText } from './policy-files';

const document = (name: string, extra = '') =>
  `apiVersion: gatehouse/v1\nkind: Policy\nmetadata:\n  name: "${name}"\nspec: {}\n${extra}`;

describe('policy files', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'gatehouse-policy-files-'));
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('names pulled files after the document, without the colon', () => {
    expect(policyFileName('global')).toBe('global.yaml');
    expect(policyFileName('product:demo-chat')).toBe('product-demo-chat.yaml');
    expect(policyFileName('tenant:0b7e3a52-8d4f-4c1e-9a6b-2f1d3c4e5a6b')).toBe(
      'tenant-0b7e3a52-8d4f-4c1e-9a6b-2f1d3c4e5a6b.yaml',
    );
  });

  it('reads the YAML files of a directory in name order, and nothing else', () => {
    writeFileSync(path.join(directory, 'b.yaml'), document('product:b'));
    writeFileSync(path.join(directory, 'a.yml'), document('global'));
    writeFileSync(path.join(directory, 'notes.md'), '# not a policy');
    writeFileSync(path.join(directory, '.gatehouse-policy-lock.json'), '{}');
    const files = readPolicyDirectory(directory, directory);
    expect(files.map((file) => [file.shown, file.name, file.parsed.ok])).toEqual([
      ['a.yml', 'global', true],
      ['b.yaml', 'product:b', true],
    ]);
  });

  it('reports each problem as file:line: field: reason, and two files of one name', () => {
    writeFileSync(path.join(directory, 'a.yaml'), document('global'));
    writeFileSync(path.join(directory, 'b.yaml'), document('global'));
    writeFileSync(path.join(directory, 'c.yaml'), document('global', 'severity: high\n'));
    writeFileSync(path.join(directory, 'd.yaml'), 'apiVersion: [\n');
    const problems = localProblems(readPolicyDirectory(directory, directory));
    expect(problems).toEqual([
      'b.yaml: metadata.name: "global" is also in a.yaml',
      'c.yaml:6: severity: Unrecognized key: "severity"',
      expect.stringMatching(/^d\.yaml:\d+: /),
    ]);
  });

  it("reads a document's name even when the document is invalid", () => {
    expect(policyNameOf(document('product:demo', 'severity: high\n'))).toBe('product:demo');
    expect(policyNameOf('metadata: [')).toBeNull();
    expect(policyNameOf('just text')).toBeNull();
  });

  it('counts every change of text but line endings', () => {
    expect(sameText('a: 1\nb: 2\n', 'a: 1\r\nb: 2\r\n')).toBe(true);
    expect(sameText('a: 1\n', 'a: 1 # why\n')).toBe(false);
    expect(sameText('a: 1\n', 'a: 1\n\n')).toBe(false);
  });
});
