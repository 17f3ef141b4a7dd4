import { z } from 'zod';

export const providerTypeSchema = z.enum(['openai', 'anthropic', 'openai-compatible', 'http']);

/**
 * The upstream's origin plus an optional path prefix, `https` or `http` (plain http only for a provider marked
 * internal, which the service checks, since an update's flag may be the stored one); no credentials, query or
 * fragment (the credential has its own, encrypted, field). Normalised without a trailing slash, since the gateway
 * appends `/v1/...`.
 */
export const providerBaseUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .superRefine((value, context) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      context.addIssue({ code: 'custom', message: 'must be an absolute URL such as "https://api.openai.com"' });
      return;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      context.addIssue({ code: 'custom', message: 'must be an https:// (or, for an internal provider, http://) URL' });
    }
    if (url.username || url.password) {
      context.addIssue({ code: 'custom', message: 'must not contain credentials: use the credential field' });
    }
    if (url.search || url.hash || value.includes('?') || value.includes('#')) {
      context.addIssue({ code: 'custom', message: 'must not have a query or fragment' });
    }
  })
  .transform((value) => {
    const url = new URL(value);
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  });

export const providerNameSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be kebab-case: lowercase letters, digits and single dashes');

/** The upstream's API key or token. Write-only: no response ever contains it or anything derived from it. */
export const providerCredentialSchema = z.string().min(1).max(8192);

// --- requests ---

export const createProviderRequestSchema = z
  .object({
    name: providerNameSchema,
    type: providerTypeSchema,
    baseUrl: providerBaseUrlSchema,
    region: z.string().trim().min(1).max(64).nullish(),
    enabled: z.boolean().default(true),
    /** The upstream is on a loopback or private network; without it, a base URL that resolves there is refused. */
    internal: z.boolean().default(false),
    credential: providerCredentialSchema.nullish(),
  })
  .strict();

/** `credential`: a string replaces it, null removes it, absent keeps it. */
export const updateProviderRequestSchema = z
  .object({
    name: providerNameSchema.optional(),
    type: providerTypeSchema.optional(),
    baseUrl: providerBaseUrlSchema.optional(),
    region: z.string().trim().min(1).max(64).nullable().optional(),
    enabled: z.boolean().optional(),
    internal: z.boolean().optional(),
    credential: providerCredentialSchema.nullable().optional(),
  })
  .strict();

export const providerListQuerySchema = z.strictObject({
  type: providerTypeSchema.optional(),
  /** The `nextCursor` of the previous page. */
  cursor: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

// --- responses ---

export const providerSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  type: providerTypeSchema,
  baseUrl: z.string(),
  region: z.string().nullable(),
  enabled: z.boolean(),
  internal: z.boolean(),
  /** Whether a credential is stored. Nothing else about it is ever returned. */
  hasCredential: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const providerListSchema = z.object({ items: z.array(providerSchema), nextCursor: z.string().nullable() });

export type ProviderTypeName = z.infer<typeof providerTypeSchema>;
export type CreateProviderRequest = z.infer<typeof createProviderRequestSchema>;
export type UpdateProviderRequest = z.infer<typeof updateProviderRequestSchema>;
export type ProviderListQuery = z.infer<typeof providerListQuerySchema>;
export type ProviderResponse = z.infer<typeof providerSchema>;
export type ProviderListResponse = z.infer<typeof providerListSchema>;
