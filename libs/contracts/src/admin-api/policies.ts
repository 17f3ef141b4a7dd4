import { z } from 'zod';

/**
 * Policy documents (ARCHITECTURE §6): `/api/v1/admin/policies` for platform admins, `/api/v1/tenants/{tenantId}/policy`
 * for a tenant's own document. A document is YAML (or JSON) text whose schema is `GET /admin/policies/schema`;
 * every change is a new immutable version.
 */

/** Why this version was made, shown in the history. */
const versionMessageSchema = z.string().trim().max(500).nullish();

// --- requests ---

export const putPolicyRequestSchema = z
  .object({
    /** The whole document; its `metadata.name` must be the name it is saved under. */
    yaml: z.string(),
    message: versionMessageSchema,
    /**
     * The version the change was made against (null: the document must not exist yet). When the version in force is
     * another one, the change is refused with 409 `policy_version_conflict` and nothing is saved: a writer that read
     * the document cannot overwrite a change made since without knowing.
     */
    expectedVersion: z.number().int().positive().nullish(),
  })
  .strict();
export type PutPolicyRequest = z.infer<typeof putPolicyRequestSchema>;

export const validatePolicyRequestSchema = z.object({ yaml: z.string() }).strict();
export type ValidatePolicyRequest = z.infer<typeof validatePolicyRequestSchema>;

export const rollbackPolicyRequestSchema = z
  .object({
    /** The version whose content becomes a new version in force. */
    version: z.number().int().positive(),
    message: versionMessageSchema,
  })
  .strict();
export type RollbackPolicyRequest = z.infer<typeof rollbackPolicyRequestSchema>;

// --- responses ---

const policyModeSchema = z.enum(['enforce', 'monitor']);

export const policySummarySchema = z.object({
  /** `global`, `product:<slug>` or `tenant:<tenantId>`. */
  name: z.string(),
  /** Null only for a document that has no version yet. */
  activeVersion: z.number().int().nullable(),
  /** The document mode of the version in force. */
  mode: policyModeSchema.nullable(),
  updatedAt: z.iso.datetime(),
});
export type PolicySummaryResponse = z.infer<typeof policySummarySchema>;

export const policyListSchema = z.object({ items: z.array(policySummarySchema) });
export type PolicyListResponse = z.infer<typeof policyListSchema>;

export const policyVersionSchema = z.object({
  version: z.number().int(),
  createdAt: z.iso.datetime(),
  /** Null once the author's account is deleted. */
  createdBy: z.object({ id: z.string(), name: z.string(), email: z.string() }).nullable(),
  message: z.string().nullable(),
});
export type PolicyVersionResponse = z.infer<typeof policyVersionSchema>;

export const policySchema = z.object({
  name: z.string(),
  activeVersion: z.number().int().nullable(),
  /** The text of the version in force, exactly as it was saved. */
  yaml: z.string().nullable(),
  /** Newest first. */
  versions: z.array(policyVersionSchema),
});
export type PolicyResponse = z.infer<typeof policySchema>;

/** What a PUT or a rollback put in force. */
export const policyVersionRefSchema = z.object({ name: z.string(), version: z.number().int() });
export type PolicyVersionRefResponse = z.infer<typeof policyVersionRefSchema>;

/**
 * One problem of a document: the YAML path (`spec.access.denyModels.models[1]`, empty for the document as a whole),
 * why, and its 1-based line when it can be placed.
 */
export const policyProblemSchema = z.object({
  field: z.string(),
  reason: z.string(),
  line: z.number().int().nullable(),
});
export type PolicyProblemResponse = z.infer<typeof policyProblemSchema>;

export const policyValidationSchema = z.object({ valid: z.boolean(), errors: z.array(policyProblemSchema) });
export type PolicyValidationResponse = z.infer<typeof policyValidationSchema>;

/** The documents' JSON Schema (draft 2020-12), as published. */
export const policyJsonSchemaResponseSchema = z.record(z.string(), z.unknown());

/** One version's full text, for a diff between versions (`GET …/versions/{version}`). */
export const policyVersionDetailSchema = policyVersionSchema.extend({
  mode: policyModeSchema,
  /** Exactly as it was saved. */
  yaml: z.string(),
});
export type PolicyVersionDetailResponse = z.infer<typeof policyVersionDetailSchema>;

// --- the effective policy ---

/**
 * One rule of the effective policy, with the document it comes from: `settings` is the rule as that document
 * wrote it, without its mode (`{ models: [demo-embed] }`, `{ ranges: [...] }`, `{ windows: [...] }`, `{ labels }`).
 */
export const effectivePolicyRuleSchema = z.object({
  policy: z.string(),
  version: z.number().int().nullable(),
  /** `access.denyModels`… */
  rule: z.string(),
  mode: policyModeSchema,
  settings: z.record(z.string(), z.unknown()),
});
export type EffectivePolicyRuleResponse = z.infer<typeof effectivePolicyRuleSchema>;

/**
 * `GET /tenants/{tenantId}/policy/effective?product=<slug>`: the documents that govern the tenant's calls to the
 * product (global, the product's, the tenant's; without `product`, global and the tenant's), and every rule a call
 * must pass, in the order the gateway checks them.
 */
export const effectivePolicySchema = z.object({
  tenantId: z.string(),
  product: z.string().nullable(),
  sources: z.array(z.object({ policy: z.string(), version: z.number().int().nullable() })),
  rules: z.array(effectivePolicyRuleSchema),
});
export type EffectivePolicyResponse = z.infer<typeof effectivePolicySchema>;

export const effectivePolicyQuerySchema = z.object({ product: z.string().trim().min(1).max(80).optional() }).strict();
export type EffectivePolicyQuery = z.infer<typeof effectivePolicyQuerySchema>;

// --- dry-run ---

/** A call to evaluate: what the access rules see of it. */
export const dryRunCallSchema = z
  .object({
    /** Required on the admin route; the tenant route evaluates its own tenant's calls. */
    tenantId: z.uuid().optional(),
    /** A product's slug; when absent, the product that offers `model`. */
    product: z.string().trim().min(1).max(80).optional(),
    /** The public model name; null or absent for a call to an HTTP product. */
    model: z.string().trim().min(1).max(200).nullish(),
    clientIp: z.string().trim().max(64).nullish(),
    /** When the call is made (default: now), read in the tenant's time zone. */
    at: z.iso.datetime({ offset: true }).optional(),
    keyMetadata: z.record(z.string().max(64), z.string().max(256)).optional(),
  })
  .strict();
export type DryRunCall = z.infer<typeof dryRunCallSchema>;

/** The recorded calls of a window (at most 31 days) to evaluate again. */
export const dryRunWindowSchema = z
  .object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) })
  .strict();

export const dryRunRequestSchema = z
  .object({
    /** The candidate document; it takes the place of the document of the same name among those in force. */
    yaml: z.string(),
    /** Calls to evaluate, described by what the access rules see of them. */
    requests: z.array(dryRunCallSchema).max(100).default([]),
    window: dryRunWindowSchema.optional(),
  })
  .strict();
export type DryRunRequest = z.infer<typeof dryRunRequestSchema>;

/** What the access rules decide for a call: `allow`, `deny` (by `rule` of `policy`), or `monitor` (would deny). */
export const dryRunOutcomeSchema = z.object({
  decision: z.enum(['allow', 'deny', 'monitor']),
  policy: z.string().nullable(),
  rule: z.string().nullable(),
  message: z.string().nullable(),
});
export type DryRunOutcome = z.infer<typeof dryRunOutcomeSchema>;

export const dryRunCallResultSchema = z.object({
  index: z.number().int(),
  /** With the candidate in force. */
  candidate: dryRunOutcomeSchema,
  /** With the documents in force now. */
  current: dryRunOutcomeSchema,
});

/** Per tenant and rule: how many recorded calls the candidate would refuse (`deny`) or report (`monitor`). */
export const dryRunRuleCountSchema = z.object({
  tenantId: z.string(),
  policy: z.string(),
  rule: z.string(),
  decision: z.enum(['deny', 'monitor']),
  count: z.number().int(),
  /** Of those, how many were served at the time (a refusal the candidate adds). */
  newlyRefused: z.number().int(),
  /** Up to five of them. */
  samples: z.array(z.object({ requestId: z.string(), at: z.iso.datetime(), model: z.string().nullable() })),
});
export type DryRunRuleCount = z.infer<typeof dryRunRuleCountSchema>;

export const dryRunWindowResultSchema = z.object({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  /** Recorded calls evaluated; at most 100,000, the newest first (`truncated` then). */
  evaluated: z.number().int(),
  truncated: z.boolean(),
  byRule: z.array(dryRunRuleCountSchema),
  /** Rules that recorded calls cannot tell (the client's address is not recorded). */
  notEvaluated: z.array(z.string()),
});
export type DryRunWindowResult = z.infer<typeof dryRunWindowResultSchema>;

export const dryRunResponseSchema = z.object({
  /** False when the candidate itself is invalid: `errors` says why, and nothing was evaluated. */
  valid: z.boolean(),
  errors: z.array(policyProblemSchema),
  /** One answer per described call, in order. */
  requests: z.array(dryRunCallResultSchema),
  window: dryRunWindowResultSchema.nullable(),
});
export type DryRunResponse = z.infer<typeof dryRunResponseSchema>;

// --- activity: what the policies did to real calls ---

/** `?from&to` (at most 31 days; default the last 24 hours); `tenantId` narrows the admin route to one tenant. */
export const policyActivityQuerySchema = z
  .object({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    tenantId: z.uuid().optional(),
  })
  .strict();
export type PolicyActivityQuery = z.infer<typeof policyActivityQuerySchema>;

/**
 * What a rule did to a call, as the gateway records it: refused it (`block`), rewrote its prompt (`redact`), only
 * reported it (`log`), would have acted in monitor mode (`monitor`), or could not decide because an external
 * guardrail service gave no verdict (`error`).
 */
export const policyDecisionSchema = z.enum(['block', 'redact', 'log', 'monitor', 'error']);
export type PolicyDecision = z.infer<typeof policyDecisionSchema>;

/**
 * The calls recorded in a window that each policy rule acted on, per tenant, document, rule and decision, most first
 * (from the usage events' `policyActions`): access rules (`access.hours`: `block`, `monitor`) and content rules
 * (`validation`, `pii.input`, `injection`, `denyList.input`, `pii.output`, `denyList.output`).
 */
export const policyActivitySchema = z.object({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  items: z.array(
    z.object({
      tenantId: z.string(),
      policy: z.string(),
      /** The rule as documents and the effective policy name it: `access.denyModels`, `pii.input`, `injection`. */
      rule: z.string(),
      /** What the rule found, where it says: the PII entity (`EMAIL`), `external` for an external guardrail. */
      detail: z.string().nullable(),
      decision: policyDecisionSchema,
      count: z.number().int(),
    }),
  ),
});
export type PolicyActivityResponse = z.infer<typeof policyActivitySchema>;
