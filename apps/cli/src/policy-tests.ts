import {
  effectivePolicy,
  evaluateAccess,
  fieldOf,
  isCidr,
  type PolicyDocument,
  policyLineAt,
  policyNameSchema,
} from '@gatehouse/domain';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { type FileProblem } from './problems';

/**
 * A policy test file: the documents to load and cases of a request with the decision expected for it, run offline
 * with the gateway's own code (`effectivePolicy`, `evaluateAccess`):
 *
 *   policies: [../policies]                    # files or directories, relative to the test file
 *   cases:
 *     - name: embeddings are refused
 *       request: { tenantId: 0b7e…, product: demo, model: demo-embed, clientIp: 10.1.2.3,
 *                  at: "2025-06-02T09:30:00Z", timeZone: Europe/Paris, keyMetadata: { team: search } }
 *       expect: deny                           # allow | deny | monitor
 *       rule: access.denyModels                # optional: the rule that decides
 *       policy: global                         # optional: the document it is in
 */
const ruleNameSchema = z
  .string()
  .regex(/^access\.(allowModels|denyModels|sourceIps|hours|keyMetadata)$/, 'must be access.<rule>, e.g. access.hours');

const requestSchema = z.strictObject({
  /** The calling tenant: its document `tenant:<id>` applies. */
  tenantId: z.string().min(1).optional(),
  /** The product's slug: its document `product:<slug>` applies. */
  product: z.string().min(1).optional(),
  /** The public model name; absent or null for an HTTP product's call. */
  model: z.string().min(1).nullable().optional(),
  clientIp: z
    .string()
    .refine((value) => !value.includes('/') && isCidr(value), 'must be an IPv4 or IPv6 address')
    .optional(),
  /** When the call is made (ISO 8601 with its offset); now when absent. */
  at: z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 date and time, e.g. 2025-06-02T09:30:00Z' })
    .optional(),
  /** The tenant's IANA time zone, which the hours rules read. */
  timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/Paris').default('UTC'),
  keyMetadata: z.record(z.string(), z.string()).default({}),
});

const caseSchema = z
  .strictObject({
    name: z.string().min(1),
    request: requestSchema,
    expect: z.enum(['allow', 'deny', 'monitor']),
    rule: ruleNameSchema.optional(),
    policy: policyNameSchema.optional(),
  })
  .refine((entry) => entry.expect !== 'allow' || (entry.rule === undefined && entry.policy === undefined), {
    message: 'an allowed request has no deciding rule: rule and policy go with deny or monitor',
    path: ['rule'],
  });

export const policyTestFileSchema = z.strictObject({
  policies: z.array(z.string().min(1)).min(1, 'must name at least one policy file or directory'),
  cases: z.array(caseSchema).min(1, 'must hold at least one case'),
});
export type PolicyTestFile = z.infer<typeof policyTestFileSchema>;
export type PolicyTestCase = PolicyTestFile['cases'][number];
export type Decision = PolicyTestCase['expect'];

export type ParsedTestFile = { ok: true; spec: PolicyTestFile } | { ok: false; problems: FileProblem[] };

/** Reads a test file; each problem names its YAML path and line, as a policy document's do. */
export function parsePolicyTestFile(text: string): ParsedTestFile {
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  const syntax = [...document.errors, ...document.warnings];
  if (syntax.length > 0) {
    return {
      ok: false,
      problems: syntax.map((error) => ({
        field: '',
        reason: error.message.split('\n')[0] ?? error.message,
        line: error.linePos?.[0].line ?? null,
      })),
    };
  }
  const result = policyTestFileSchema.safeParse(document.toJS());
  if (result.success) return { ok: true, spec: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => {
      const path = [...issue.path];
      if (issue.code === 'unrecognized_keys' && issue.keys.length === 1) path.push(issue.keys[0] as string);
      return { field: fieldOf(path), reason: issue.message, line: policyLineAt(text, path) };
    }),
  };
}

/** What the gateway's access rules decide for a case's request, with the deciding rules. */
export interface Outcome {
  decision: Decision;
  /** The refusing rule (deny) or the monitored ones (monitor), as `policy access.rule: message`. */
  findings: { policy: string; rule: string; message: string }[];
}

/**
 * The decision for a request under the documents that apply to it: `global`, `product:<product>` and
 * `tenant:<tenantId>` among `documents`, combined and evaluated as the gateway does.
 */
export function decide(documents: ReadonlyMap<string, PolicyDocument>, request: PolicyTestCase['request']): Outcome {
  const names = ['global'];
  if (request.product !== undefined) names.push(`product:${request.product}`);
  if (request.tenantId !== undefined) names.push(`tenant:${request.tenantId}`);
  const applying = names.flatMap((name) => {
    const document = documents.get(name);
    return document ? [{ document, version: null }] : [];
  });
  const { access } = effectivePolicy(applying);
  const result = evaluateAccess(access, {
    model: request.model ?? null,
    clientIp: request.clientIp ?? null,
    now: request.at === undefined ? Date.now() : Date.parse(request.at),
    timeZone: request.timeZone,
    keyMetadata: request.keyMetadata,
  });
  const finding = ({ source, message }: { source: { policy: string; rule: string }; message: string }) => ({
    policy: source.policy,
    rule: source.rule,
    message,
  });
  if (result.refusal) return { decision: 'deny', findings: [finding(result.refusal)] };
  if (result.monitored.length > 0) return { decision: 'monitor', findings: result.monitored.map(finding) };
  return { decision: 'allow', findings: [] };
}

/** Why a case fails (`expected deny by access.hours, got allow`), or null when it passes. */
export function caseFailure(entry: PolicyTestCase, outcome: Outcome): string | null {
  const ruleMatches = outcome.findings.some(
    (finding) =>
      (entry.rule === undefined || finding.rule === entry.rule) &&
      (entry.policy === undefined || finding.policy === entry.policy),
  );
  if (outcome.decision === entry.expect && (entry.expect === 'allow' || ruleMatches)) return null;
  const expected = [entry.expect, entry.rule && `by ${entry.rule}`, entry.policy && `of ${entry.policy}`]
    .filter(Boolean)
    .join(' ');
  const got = outcome.findings.map((finding) => `${finding.policy} ${finding.rule}: ${finding.message}`).join('; ');
  return `expected ${expected}, got ${outcome.decision}${got === '' ? '' : ` (${got})`}`;
}

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
