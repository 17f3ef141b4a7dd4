import { z } from 'zod';
import { nameSchema } from '../names';
import { modelAliasSchema, planLimitsSchema } from './plans';

/**
 * A price in USD per 1M tokens as a decimal string ("0.5", "15", "0.075"), never a float: up to 9 digits on
 * each side of the point, what the `numeric(18, 9)` price columns hold.
 */
export const usdPer1MSchema = z
  .string()
  .regex(/^\d{1,9}(\.\d{1,9})?$/, 'must be a decimal amount in USD per 1M tokens such as "0.5" or "15"');

export const productSlugSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be kebab-case: lowercase letters, digits and single dashes');

export const productKindSchema = z.enum(['LLM', 'HTTP']);
export const productStatusSchema = z.enum(['DRAFT', 'PUBLISHED', 'RETIRED']);

/**
 * The path an HTTP product prepends to the forwarded path, after the provider's base URL: `/v2` makes
 * `/apis/{slug}/items` go to `<baseUrl>/v2/items`. Plain path segments only: no `..`, query or fragment.
 */
export const upstreamPathSchema = z
  .string()
  .max(512)
  .regex(/^(\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*\/?$/, 'must be a path such as "/v2" (no query, fragment or "//")')
  .refine((path) => !path.split('/').some((segment) => segment === '.' || segment === '..'), {
    message: 'must not contain "." or ".." segments',
  });

const listQuery = {
  /** The `nextCursor` of the previous page. */
  cursor: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
};

// --- public catalog (any signed-in user) ---

export const catalogModelSchema = z.object({
  /** The model route's id. */
  id: z.uuid(),
  /** The public alias, what clients send as `model`. */
  name: z.string(),
  /** USD per 1M tokens of the price in force now; null only for a model without a price (not payable). */
  inputPricePer1M: z.string().nullable(),
  outputPricePer1M: z.string().nullable(),
  /** Price of cached prompt tokens; null = charged as ordinary input. */
  cachedInputPricePer1M: z.string().nullable(),
});

export const catalogPlanSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  autoApprove: z.boolean(),
  /** Every limit; null = unlimited (`allowedModels` null = every model of the product). */
  limits: planLimitsSchema,
});

export const catalogProductSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  kind: productKindSchema,
  models: z.array(catalogModelSchema),
  plans: z.array(catalogPlanSchema),
});

export const catalogProductListSchema = z.object({
  items: z.array(catalogProductSchema),
  nextCursor: z.string().nullable(),
});

export const catalogListQuerySchema = z.strictObject(listQuery);

// --- admin catalog: requests ---

export const modelTargetInputSchema = z
  .object({
    providerId: z.uuid(),
    /** The model name the provider knows (`gpt-4o-mini`). */
    upstreamModel: z.string().trim().min(1).max(200),
    /** Share of traffic among targets of the same priority. */
    weight: z.number().int().min(1).max(1000).default(1),
    /** Lower goes first; the next priority is the fallback. */
    priority: z.number().int().min(0).max(100).default(0),
    enabled: z.boolean().default(true),
  })
  .strict();

const targetsSchema = z
  .array(modelTargetInputSchema)
  .min(1, 'a model needs at least one target')
  .max(20)
  .superRefine((targets, context) => {
    const seen = new Set<string>();
    targets.forEach((target, index) => {
      const key = `${target.providerId}\u0000${target.upstreamModel}`;
      if (seen.has(key)) {
        context.addIssue({
          code: 'custom',
          path: [index, 'upstreamModel'],
          message: 'the same provider and upstream model is listed twice',
        });
      }
      seen.add(key);
    });
    if (!targets.some((target) => target.enabled)) {
      context.addIssue({ code: 'custom', path: [], message: 'at least one target must be enabled' });
    }
  });

export const modelPriceInputSchema = z
  .object({
    inputPer1M: usdPer1MSchema,
    outputPer1M: usdPer1MSchema,
    /** Absent or null: cached prompt tokens are charged as ordinary input. */
    cachedInputPer1M: usdPer1MSchema.nullish(),
  })
  .strict();

const httpUpstreamInputSchema = z
  .object({
    /** A provider of type `http`: its base URL is the upstream origin. */
    providerId: z.uuid(),
    upstreamPath: upstreamPathSchema.nullish(),
  })
  .strict();

export const createProductRequestSchema = z
  .object({
    slug: productSlugSchema,
    name: nameSchema(200),
    description: z.string().trim().max(2000).nullish(),
    kind: productKindSchema,
    /** HTTP products only (required for them): where `/apis/{slug}/...` is forwarded. */
    http: httpUpstreamInputSchema.optional(),
  })
  .strict()
  .superRefine((body, context) => {
    if (body.kind === 'HTTP' && !body.http) {
      context.addIssue({ code: 'custom', path: ['http'], message: 'an HTTP product needs its upstream' });
    }
    if (body.kind === 'LLM' && body.http) {
      context.addIssue({ code: 'custom', path: ['http'], message: 'only HTTP products have an upstream' });
    }
  });

/** The slug and kind are fixed at creation: clients call `/apis/{slug}` and models by alias. */
export const updateProductRequestSchema = z
  .object({
    name: nameSchema(200).optional(),
    description: z.string().trim().max(2000).nullable().optional(),
    http: httpUpstreamInputSchema.optional(),
  })
  .strict();

export const productListQuerySchema = z.strictObject({
  status: productStatusSchema.optional(),
  kind: productKindSchema.optional(),
  ...listQuery,
});

export const createModelRequestSchema = z
  .object({
    /** The public alias, unique across the platform. */
    name: modelAliasSchema,
    targets: targetsSchema,
    price: modelPriceInputSchema,
  })
  .strict();

/** `targets`, when present, replaces the whole set. The alias can change only while the product is a draft. */
export const updateModelRequestSchema = z
  .object({
    name: modelAliasSchema.optional(),
    targets: targetsSchema.optional(),
  })
  .strict();

export const setModelPriceRequestSchema = modelPriceInputSchema;

// --- admin catalog: responses ---

export const modelTargetSchema = z.object({
  id: z.uuid(),
  providerId: z.uuid(),
  upstreamModel: z.string(),
  weight: z.number().int(),
  priority: z.number().int(),
  enabled: z.boolean(),
});

export const modelPriceSchema = z.object({
  id: z.uuid(),
  inputPer1M: z.string(),
  outputPer1M: z.string(),
  cachedInputPer1M: z.string().nullable(),
  effectiveFrom: z.string(),
  /** Null = still in force. */
  effectiveTo: z.string().nullable(),
});

export const modelPriceListSchema = z.object({ items: z.array(modelPriceSchema), nextCursor: z.string().nullable() });

export const adminModelSchema = catalogModelSchema.extend({
  /** Since when the current price applies; null when none is in force. */
  priceEffectiveFrom: z.string().nullable(),
  targets: z.array(modelTargetSchema),
});

export const adminPlanSummarySchema = catalogPlanSchema.extend({
  status: z.enum(['ACTIVE', 'RETIRED']),
});

/** The catalog's product shape, plus what only admins see: status, the HTTP upstream, targets, retired plans. */
export const adminProductSchema = catalogProductSchema.extend({
  status: productStatusSchema,
  http: z.object({ providerId: z.uuid().nullable(), upstreamPath: z.string().nullable() }).nullable(),
  models: z.array(adminModelSchema),
  plans: z.array(adminPlanSummarySchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const adminProductListSchema = z.object({
  items: z.array(adminProductSchema),
  nextCursor: z.string().nullable(),
});

export type CatalogModelResponse = z.infer<typeof catalogModelSchema>;
export type CatalogPlanResponse = z.infer<typeof catalogPlanSchema>;
export type CatalogProductResponse = z.infer<typeof catalogProductSchema>;
export type CatalogProductListResponse = z.infer<typeof catalogProductListSchema>;
export type CatalogListQuery = z.infer<typeof catalogListQuerySchema>;
export type CreateProductRequest = z.infer<typeof createProductRequestSchema>;
export type UpdateProductRequest = z.infer<typeof updateProductRequestSchema>;
export type ProductListQuery = z.infer<typeof productListQuerySchema>;
export type ModelTargetInput = z.infer<typeof modelTargetInputSchema>;
export type ModelPriceInput = z.infer<typeof modelPriceInputSchema>;
export type CreateModelRequest = z.infer<typeof createModelRequestSchema>;
export type UpdateModelRequest = z.infer<typeof updateModelRequestSchema>;
export type AdminModelResponse = z.infer<typeof adminModelSchema>;
export type AdminPlanSummaryResponse = z.infer<typeof adminPlanSummarySchema>;
export type AdminProductResponse = z.infer<typeof adminProductSchema>;
export type ModelPriceResponse = z.infer<typeof modelPriceSchema>;
export type AdminProductListResponse = z.infer<typeof adminProductListSchema>;
