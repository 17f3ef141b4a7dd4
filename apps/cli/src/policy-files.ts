import { type ParsedPolicy, parsePolicyYaml } from '@gatehouse/domain';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { CliError } from './cli-error';
import { formatProblem } from './problems';

/** One document file of the policy directory. */
export interface PolicyFile {
  path: string;
  /** The path as printed: relative to the working directory. */
  shown: string;
  text: string;
  /** `metadata.name`, read even from a document that is otherwise invalid; null when it has none. */
  name: string | null;
  parsed: ParsedPolicy;
}

/** The policy files of a directory: every `*.yaml` and `*.yml`, one document each, in name order. */
export function readPolicyDirectory(directory: string, cwd: string): PolicyFile[] {
  if (!existsSync(directory) || !statSync(directory).isDirectory()) {
    throw new CliError(`${shownPath(directory, cwd)} is not a directory (choose one with --dir)`);
  }
  return readdirSync(directory)
    .filter((entry) => /\.ya?ml$/.test(entry))
    .sort()
    .map((entry) => readPolicyFile(path.join(directory, entry), cwd));
}

export function readPolicyFile(file: string, cwd: string): PolicyFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${shownPath(file, cwd)}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  return { path: file, shown: shownPath(file, cwd), text, name: policyNameOf(text), parsed: parsePolicyYaml(text) };
}

/**
 * Every problem of the files that needs no server: each document's own (schema, syntax), a document without a
 * name, and two files of one name. Printed as `file:line: field: reason`.
 */
export function localProblems(files: readonly PolicyFile[]): string[] {
  const lines: string[] = [];
  const byName = new Map<string, PolicyFile>();
  for (const file of files) {
    if (!file.parsed.ok) {
      lines.push(...file.parsed.problems.map((problem) => formatProblem(file.shown, problem)));
      continue;
    }
    const name = file.parsed.document.metadata.name;
    const first = byName.get(name);
    if (first) {
      lines.push(
        formatProblem(file.shown, {
          field: 'metadata.name',
          reason: `"${name}" is also in ${first.shown}`,
          line: null,
        }),
      );
    } else {
      byName.set(name, file);
    }
  }
  return lines;
}

/** The name a pulled document is written under: `global.yaml`, `product-demo.yaml`, `tenant-<id>.yaml`. */
export function policyFileName(name: string): string {
  // The names' pattern leaves only `:` to replace; the scope prefix keeps product and tenant files apart.
  return `${name.replace(/[^a-zA-Z0-9._-]/g, '-')}.yaml`;
}

/** `metadata.name` of a text that may not be a valid document (to pair it with the one in force). */
export function policyNameOf(text: string): string | null {
  try {
    const name: unknown = parseDocument(text).getIn(['metadata', 'name']);
    return typeof name === 'string' ? name : null;
  } catch {
    return null;
  }
}

/**
 * Whether two texts are the same document text. Only line endings are ignored (a checkout with CRLF endings is
 * not a change); anything else, comments and blank lines included, is part of the text kept in force.
 */
export function sameText(a: string, b: string): boolean {
  return withUnixLineEndings(a) === withUnixLineEndings(b);
}

export function withUnixLineEndings(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

export function shownPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative === '' ? '.' : relative.startsWith('..') ? file : relative;
}
