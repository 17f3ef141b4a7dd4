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
