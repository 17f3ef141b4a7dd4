import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { checkDenyListPatterns } from '../guardrails/deny-list/deny-list';
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

/** One PII rule: what to do with the entities it names (every entity when none is named). */
function piiRuleSchema<Extra extends z.ZodRawShape>(extra: Extra) {
  return z.strictObject({
    action: piiActionSchema,
    entities: z.array(z.enum(PII_ENTITIES)).min(1).optional(),
    ...extra,
    ...withMode,
  });
}

export const piiRulesSchema = z.strictObject({
  /**
   * The prompt, before any upstream sees it: `block` refuses the request (400 content_policy_violation), `redact`
   * replaces each finding by a numbered placeholder (`[EMAIL_1]`), `log` only reports. With `restore: true`, the
   * placeholders the answer carries are put back to the caller's originals (streams included).
   */
  input: piiRuleSchema({ restore: z.boolean().optional() })
    .refine((rule) => rule.restore !== true || rule.action === 'redact', {
      message: 'restore applies to the redact action only',
      path: ['restore'],
    })
    .optional(),
  /**
   * The answer, before the client sees it: `redact` replaces each finding by a placeholder, `block` cuts the answer
   * there (finish_reason content_filter), `log` only reports.
   */
  output: piiRuleSchema({}).optional(),
});
export type PiiRules = z.infer<typeof piiRulesSchema>;

/** What a rule on the text of a request or an answer does when it fires (the stricter wins across scopes). */
export const contentActionSchema = z.enum(['block', 'redact', 'log']);
export type ContentAction = z.infer<typeof contentActionSchema>;

/** A JSON pointer (RFC 6901) into an external service's answer. */
const jsonPointer = z.string().regex(/^(?:\/.*)?$/, 'must be a JSON pointer such as /results/0/flagged');
const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The longest an external guardrail may take; past its own `timeoutMs` the fail mode decides. */
export const EXTERNAL_GUARDRAIL_MAX_TIMEOUT_MS = 30_000;
/** Headers the gateway sets itself, or that concern one connection only. */
const RESERVED_GUARDRAIL_HEADERS = new Set([
  'host',
  'content-length',
  'content-type',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'expect',
]);

/**
 * An external guardrail service asked for a verdict on the prompt over HTTP: the request body is a JSON template
 * whose strings may hold `{{text}}`, the verdict is read with JSON pointers. When it is slow or failing, `failMode`
 * decides: closed (the default) treats the prompt as flagged, open as clean.
 */
export const externalGuardrailSchema = z.strictObject({
  url: z
    .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
    .refine((url) => !/^[a-z]+:\/\/[^/]*@/i.test(url), 'must not carry credentials (use headers)'),
  timeoutMs: z.number().int().min(1).max(EXTERNAL_GUARDRAIL_MAX_TIMEOUT_MS),
  failMode: z.enum(['open', 'closed']).default('closed'),
  headers: z
    .record(
      z
        .string()
        .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a header name')
        .refine((name) => !RESERVED_GUARDRAIL_HEADERS.has(name.toLowerCase()), 'is set by the gateway'),
      z.string().regex(/^[^\r\n\0]*$/, 'must be a single line'),
    )
    .optional(),
  /** JSON body to send; `{{text}}` in any string stands for the text. Default `{ "input": "{{text}}" }`. */
  request: jsonValue
    .refine((template) => JSON.stringify(template).includes('{{text}}'), 'must contain {{text}} where the text goes')
    .optional(),
  response: z.strictObject({
    /** Pointer to a boolean: whether the service flagged the text. */
    flagged: jsonPointer,
    /** Pointer to a number, reported when present. */
    score: jsonPointer.optional(),
  }),
});
export type ExternalGuardrailConfig = z.infer<typeof externalGuardrailSchema>;

/**
 * Prompt injection: the built-in scorer (`threshold`, 0 to 1, default 0.5: a prompt scoring at or above it fires)
 * and, when set, an external guardrail service whose `flagged` verdict fires the rule too. `block` refuses the
 * request, `log` only reports.
 */
export const injectionRulesSchema = z.strictObject({
  action: z.enum(['block', 'log']),
  threshold: z.number().min(0).max(1).optional(),
  external: externalGuardrailSchema.optional(),
  ...withMode,
});
export type InjectionRules = z.infer<typeof injectionRulesSchema>;

/** A deny list's patterns (RE2 syntax, linear time): each is checked when the document is validated. */
const denyPatterns = z
  .array(z.string())
  .min(1)
  .superRefine((patterns, context) => {
    for (const problem of checkDenyListPatterns(patterns)) {
      context.addIssue({ code: 'custom', message: problem.reason, path: [problem.index] });
    }
  });

/**
 * Deny lists: regular expressions on the prompt (`input`) and on the answer (`output`). `block` refuses the request
 * (input) or cuts the answer (output), `redact` replaces each match by `[REDACTED]`, `log` only reports.
 */
export const denyListRulesSchema = z
  .strictObject({
    input: denyPatterns.optional(),
    output: denyPatterns.optional(),
    action: contentActionSchema,
    ...withMode,
  })
  .refine((rule) => rule.input !== undefined || rule.output !== undefined, {
    message: 'must have input or output patterns',
    path: ['input'],
  });
export type DenyListRules = z.infer<typeof denyListRulesSchema>;
export type AccessRuleName = keyof AccessRules;

/** The longest a stored request or response body may be kept, in days. */
export const MAX_BODY_RETENTION_DAYS = 90;

/**
 * What the call log keeps of a call beyond its metering: with `bodies: true`, the request and response bodies,
 * redacted by every PII detector and the deny lists, encrypted, and deleted after `retentionDays`. Across scopes
 * the more private setting wins: one document saying `bodies: false` turns them off for every call it governs, and
 * the shortest `retentionDays` applies (effective-policy.ts).
 */
export const loggingRulesSchema = z.strictObject({
  bodies: z.boolean().optional(),
  retentionDays: z.number().int().min(1).max(MAX_BODY_RETENTION_DAYS).optional(),
});
export type LoggingRules = z.infer<typeof loggingRulesSchema>;

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
    injection: injectionRulesSchema.optional(),
    denyList: denyListRulesSchema.optional(),
    logging: loggingRulesSchema.optional(),
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
