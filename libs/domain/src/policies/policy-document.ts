import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { PII_ENTITIES } from '../guardrails/pii/pii-entity';

/**
 * A policy document (shared contract: `apiVersion: gatehouse/v1`, `kind: Policy`), as code and as JSON Schema from
 * this one zod schema. Objects are strict: an unknown field is an error, never ignored, so a typo cannot pass for
 * a rule. Only the sections the gateway enforces are in the schema; each later one is added when it is enforced
 * (a document cannot hold a rule that silently does nothing).
 */
export const POLICY_API_VERSION = 'gatehouse/v1';
export const POLICY_KIND = 'Policy';

export const policyModeSchema = z.enum(['enforce', 'monitor']);
export type PolicyMode = z.infer<typeof policyModeSchema>;

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const SLUG = '[a-z0-9]+(?:-[a-z0-9]+)*';
const POLICY_NAME = new RegExp(`^(?:global|product:${SLUG}|tenant:${UUID})$`);

/** Which scope a document governs: every tenant, one product's calls, or one tenant. */
export type PolicyScope =
  { kind: 'global' } | { kind: 'product'; productSlug: string } | { kind: 'tenant'; tenantId: string };

export const policyNameSchema = z
  .string()
  .max(80)
  .regex(POLICY_NAME, 'must be global, product:<product slug> or tenant:<tenant id>');

/** `global`, `product:<slug>` or `tenant:<id>` as its scope; null when the name is none of these. */
export function policyScopeOf(name: string): PolicyScope | null {
  if (!POLICY_NAME.test(name)) return null;
  if (name === 'global') return { kind: 'global' };
  const [kind, value] = name.split(':', 2) as [string, string];
  return kind === 'product' ? { kind: 'product', productSlug: value } : { kind: 'tenant', tenantId: value };
}

const cidr = z.string().refine(isCidr, 'must be an IPv4 or IPv6 address or range in CIDR notation (10.0.0.0/8)');
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
const clockTime = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time of day as HH:MM (00:00 to 24:00)');

/** One weekly window: on these days, from `from` (included) to `to` (excluded), in the tenant's time zone. */
const hoursWindowSchema = z
  .strictObject({
    days: z.array(z.enum(WEEKDAYS)).min(1, 'must name at least one day'),
    from: clockTime,
    to: clockTime,
  })
  .refine((window) => minuteOfDay(window.from) < minuteOfDay(window.to), {
    message: 'from must be before to (a window over midnight is two windows)',
    path: ['to'],
  });
export type HoursWindow = z.infer<typeof hoursWindowSchema>;

/** A rule's own mode, when it differs from the document's. */
const withMode = { mode: policyModeSchema.optional() };

/**
 * A list rule: the list alone (`denyModels: [demo-embed]`, the shared contract's form) or with its own mode
 * (`denyModels: { models: [demo-embed], mode: monitor }`); both read as the second.
 */
function listRule<Key extends string, Item extends z.ZodType>(key: Key, item: Item) {
  const list = z.array(item).min(1);
  const full = z.strictObject({ [key]: list, ...withMode } as { [K in Key]: typeof list } & typeof withMode);
  return z.union([list.transform((entries) => ({ [key]: entries }) as z.output<typeof full>), full]);
}

export const accessRulesSchema = z.strictObject({
  /** Only these public model names may be called (absent: every model the subscriptions grant). */
  allowModels: listRule('models', z.string().min(1)).optional(),
  /** These public model names may not be called. */
  denyModels: listRule('models', z.string().min(1)).optional(),
  /** Calls only from these client addresses (the TCP peer, or the client behind GATEWAY_TRUSTED_PROXIES). */
  sourceIps: listRule('ranges', cidr).optional(),
  /** Calls only within these weekly windows, in the tenant's time zone. */
  hours: z.strictObject({ windows: z.array(hoursWindowSchema).min(1), ...withMode }).optional(),
  /** Calls only with keys whose metadata labels have these values (one value, or any of a list). */
  keyMetadata: z
    .strictObject({
      labels: z.record(z.string().min(1).max(64), z.union([z.string(), z.array(z.string()).min(1)])),
      ...withMode,
    })
    .optional(),
});
export type AccessRules = z.infer<typeof accessRulesSchema>;

/** Limits on a request's size and shape, checked before anything else reads it. */
export const validationRulesSchema = z.strictObject({
  /** The largest request body, in bytes: 413 over it. */
  maxBodyBytes: z.number().int().positive().optional(),
  /** The most messages a chat or messages call may hold: 400 naming `messages` over it. */
  maxMessages: z.number().int().positive().optional(),
  /** The most input tokens, as the limits estimate them: 400 naming the input's field over it. */
  maxInputTokens: z.number().int().positive().optional(),
  /** Refuse (400 naming it) a top-level parameter the endpoint's API reference does not define, instead of passing it on. */
  strictParams: z.boolean().optional(),
  ...withMode,
});
export type ValidationRules = z.infer<typeof validationRulesSchema>;

/** What a PII rule does with what it finds; where scopes overlap the stricter wins (block > redact > log). */
export const piiActionSchema = z.enum(['block', 'redact', 'log']);
export type PiiAction = z.infer<typeof piiActionSchema>;

export const piiRulesSchema = z.strictObject({
  /**
   * The prompt, before any upstream sees it: `block` refuses the request (400 content_policy_violation), `redact`
   * replaces each finding by a numbered placeholder (`[EMAIL_1]`), `log` only reports. Every entity when none is named.
   */
  input: z
    .strictObject({
      action: piiActionSchema,
      entities: z.array(z.enum(PII_ENTITIES)).min(1).optional(),
      ...withMode,
    })
    .optional(),
});
export type PiiRules = z.infer<typeof piiRulesSchema>;
export type AccessRuleName = keyof AccessRules;

export const policyDocumentSchema = z.strictObject({
  apiVersion: z.literal(POLICY_API_VERSION, { error: `must be ${POLICY_API_VERSION}` }),
  kind: z.literal(POLICY_KIND, { error: `must be ${POLICY_KIND}` }),
  metadata: z.strictObject({
    name: policyNameSchema,
    description: z.string().max(500).optional(),
  }),
  /** The document's mode; a rule's own `mode` overrides it. */
  mode: policyModeSchema.default('enforce'),
  spec: z.strictObject({
    access: accessRulesSchema.optional(),
    validation: validationRulesSchema.optional(),
    pii: piiRulesSchema.optional(),
  }),
});
export type PolicyDocument = z.infer<typeof policyDocumentSchema>;

/** The documents' JSON Schema, from the same zod schema the code validates with (what the input may hold). */
export function policyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(policyDocumentSchema, { io: 'input' }) as Record<string, unknown>;
}

export function minuteOfDay(time: string): number {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  return hours * 60 + minutes;
}

/** An IPv4 address in four decimal parts or an IPv6 address, alone or with a prefix length (CIDR). */
export function isCidr(value: string): boolean {
  if (value.includes('/')) {
    return ipaddr.IPv4.isValidCIDRFourPartDecimal(value) || (ipaddr.IPv6.isValidCIDR(value) && !value.includes('.'));
  }
  return ipaddr.IPv4.isValidFourPartDecimal(value) || ipaddr.IPv6.isValid(value);
}

export const POLICY_WEEKDAYS: readonly Weekday[] = WEEKDAYS;
