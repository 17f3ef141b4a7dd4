import { type z } from 'zod';
import { type Document, isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { type PolicyDocument, policyDocumentSchema } from './policy-document';

/** One problem of a document: where (the YAML path, `spec.access.sourceIps.ranges[1]`, and its line) and why. */
export interface PolicyProblem {
  field: string;
  reason: string;
  /** 1-based line of the offending node in the text, when it can be placed. */
  line: number | null;
}

export type ParsedPolicy = { ok: true; document: PolicyDocument } | { ok: false; problems: PolicyProblem[] };

/** Longest document accepted: policies are rules, not data. */
export const POLICY_MAX_BYTES = 256 * 1024;

/**
 * Reads a policy document from YAML (JSON is YAML too) and validates it against the schema. Every problem names
 * its path and line: a syntax error, a duplicate key, an unknown field, a wrong type or value. Aliases and custom
 * tags are refused, so a document is exactly what it shows.
 */
export function parsePolicyYaml(text: string): ParsedPolicy {
  if (Buffer.byteLength(text, 'utf8') > POLICY_MAX_BYTES) {
    return fail({ field: '', reason: `the document is larger than ${POLICY_MAX_BYTES} bytes`, line: null });
  }
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const syntax = [...document.errors, ...document.warnings].map((error) => ({
    field: '',
    // The first line of the message, without the position that `line` carries.
    reason: (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, ''),
    line: error.linePos?.[0].line ?? null,
  }));
  if (syntax.length > 0) return fail(...syntax);
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 0 });
  } catch {
    // The only refusal of `toJS` here: an alias, which `maxAliasCount: 0` forbids.
    return fail({ field: '', reason: 'anchors and aliases (&name, *name) are not allowed in a policy', line: null });
  }
  if (value === null || value === undefined) return fail({ field: '', reason: 'the document is empty', line: 1 });
  const result = policyDocumentSchema.safeParse(value);
  if (result.success) return { ok: true, document: result.data };
  return fail(
    ...result.error.issues.flatMap(branchIssues).map((issue) => {
      // An unknown field is reported at its object; the field itself is where the reader should look.
      const path = [...issue.path];
      if (issue.code === 'unrecognized_keys' && issue.keys.length === 1) path.push(issue.keys[0] as string);
      return { field: fieldOf(path), reason: issue.message, line: lineOf(document, lines, path) };
    }),
  );
}

/**
 * A rule written in one of two forms (a list rule: its list alone, or an object with its mode) that fits neither
 * is reported by the form it was written in: the list's problems for a list, the object's for anything else.
 * Other problems are themselves.
 */
function branchIssues(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union' || issue.errors.length !== 2) return [issue];
  const [asList, asObject] = issue.errors as [z.core.$ZodIssue[], z.core.$ZodIssue[]];
  const listRejected = asList.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0);
  const chosen = listRejected ? asObject : asList;
  return chosen.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }) as z.core.$ZodIssue);
}

function fail(...problems: PolicyProblem[]): ParsedPolicy {
  return { ok: false, problems };
}

/**
 * The line of `path` (or of its deepest part the text has) in a document's text: for problems found after
 * parsing, such as a reference to a model that does not exist.
 */
export function policyLineAt(text: string, path: readonly PropertyKey[]): number | null {
  const lines = new LineCounter();
  return lineOf(parseDocument(text, { lineCounter: lines }), lines, path);
}

/** `spec.access.sourceIps.ranges[1]` from a path of keys and indexes. */
export function fieldOf(path: readonly PropertyKey[]): string {
  let field = '';
  for (const part of path) {
    if (typeof part === 'number') field += `[${part}]`;
    else field += field === '' ? String(part) : `.${String(part)}`;
  }
  return field;
}

/** The line of the deepest node of `path` that the document has (a missing field is placed at its parent). */
function lineOf(document: Document, lines: LineCounter, path: readonly PropertyKey[]): number | null {
  let node: unknown = document.contents;
  let place: Node | null = (document.contents as Node | null) ?? null;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === part);
      if (pair === undefined) break;
      place = (pair.key as Node | null) ?? place;
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part];
      if (item === undefined) break;
      place = item as Node;
      node = item;
    } else {
      break;
    }
  }
  const offset = place?.range?.[0];
  return offset === undefined ? null : lines.linePos(offset).line;
}
