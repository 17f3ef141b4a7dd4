import { z } from 'zod';

/**
 * The call log (`GET /tenants/{tenantId}/logs`, `/logs/{requestId}` and `GET /admin/logs` across tenants): the
 * gateway's calls one by one, as recorded in the usage events, newest first. Bodies are not stored (yet): an item
 * carries what was measured of a call, never what was said in it.
 */

/** The widest window one query may read, and the window without `from`/`to`: each query stays on an index range. */
export const MAX_CALL_LOG_RANGE_DAYS = 31;
export const DEFAULT_CALL_LOG_RANGE_HOURS = 24;
export const DEFAULT_CALL_LOG_PAGE_SIZE = 50;
export const MAX_CALL_LOG_PAGE_SIZE = 200;

/** What a rule did to a call, as the gateway records it (see policyDecisionSchema). */
export const CALL_LOG_DECISION_ACTIONS = ['block', 'redact', 'log', 'monitor', 'error'] as const;

/**
 * `4xx` (a class) or `403` (one code). Kept a string: the class and the code are both filters people type.
 */
export const callLogStatusSchema = z
  .string()
  .regex(/^[1-5](?:xx|\d\d)$/, 'must be a status code (403) or a class (4xx)');

/**
 * A decision filter: an action (`block`: calls a rule refused), a rule (`pii.input`: calls that rule acted on,
 * any entity, any action; `pii.input.EMAIL` for one entity), or both (`block:pii.input`). A rule matches itself
 * and the names below it, whichever policy document it came from.
 */
export const callLogDecisionSchema = z
  .string()
  .max(100)
  .regex(
    /^(?:(?:block|redact|log|monitor|error)(?::[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)?|[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)$/,
    'must be an action (block), a rule (pii.input) or both (block:pii.input)',
  );

/**
 * The position after the last item of a page: the call's time in epoch milliseconds and its row id. Calls are
 * ordered by (time, id), so a page never repeats or skips a call, even when many share a millisecond.
 */
const CURSOR = /^(\d{1,15})_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export interface CallLogPosition {
  at: Date;
  id: string;
}

export function encodeCallLogCursor(position: CallLogPosition): string {
  return `${position.at.getTime()}_${position.id}`;
}

/** Null for anything `encodeCallLogCursor` did not produce. */
export function decodeCallLogCursor(cursor: string): CallLogPosition | null {
  const match = CURSOR.exec(cursor);
  if (match === null) return null;
  const at = new Date(Number(match[1]));
  return Number.isNaN(at.getTime()) ? null : { at, id: match[2] as string };
}

const isoDateTime = z.iso.datetime({ offset: true });

const filterFields = {
  /** Inclusive. Default: DEFAULT_CALL_LOG_RANGE_HOURS before `to`. */
  from: isoDateTime.optional(),
  /** Exclusive. Default: now. At most MAX_CALL_LOG_RANGE_DAYS after `from`. */
  to: isoDateTime.optional(),
  /** The public model alias the client asked for, exactly. */
  model: z.string().min(1).max(200).optional(),
  status: callLogStatusSchema.optional(),
  /** The gateway's refusal or error code, exactly (`model_not_allowed`, `rate_limited`, `upstream_error`...). */
  errorCode: z
    .string()
    .regex(/^[a-z0-9_.]{1,100}$/, 'must be an error code such as model_not_allowed')
    .optional(),
  keyId: z.uuid().optional(),
  decision: callLogDecisionSchema.optional(),
  cursor: z
    .string()
    .refine((cursor) => decodeCallLogCursor(cursor) !== null, 'must be a nextCursor of this list')
    .optional(),
  limit: z.coerce.number().int().min(1).max(MAX_CALL_LOG_PAGE_SIZE).optional(),
};

export const tenantCallLogQuerySchema = z.strictObject(filterFields);
export const platformCallLogQuerySchema = z.strictObject({ ...filterFields, tenantId: z.uuid().optional() });

/**
 * `hit`: answered from the response cache. `miss`: every other call, answered by the upstream or refused, whether
 * the cache was looked up, bypassed or not configured (the usage event records a hit and nothing more).
 */
export const callLogCacheSchema = z.enum(['hit', 'miss']);

export const callLogItemSchema = z.object({
  /** The gateway's `x-request-id`. */
  requestId: z.string(),
  at: z.iso.datetime(),
  /** Null for a call refused before its key was known. */
  keyId: z.string().nullable(),
  /** The model alias asked for; null for HTTP products and calls refused before it was read. */
  model: z.string().nullable(),
  /** The HTTP status the client got. */
  status: z.number().int(),
  /** The gateway's error code when the call failed or was refused, else null. */
  errorCode: z.string().nullable(),
  latencyMs: z.number().int(),
  /**
   * Arrival to the first output token: a stream's first token, or a whole answer's arrival (it comes at once); null
   * when no upstream answered, or for a stream recorded before first tokens were measured.
   */
  ttftMs: z.number().int().nullable(),
  /** Arrival to the upstream's response headers; null when no upstream answered. */
  ttfbMs: z.number().int().nullable(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.number(),
  cache: callLogCacheSchema,
  /** What the rules and monitored limits did: `action:rule[@policy]`, e.g. `block:pii.input.EMAIL@global`. */
  policy: z.array(z.string()),
});

export const platformCallLogItemSchema = callLogItemSchema.extend({ tenantId: z.string() });

const pageFields = {
  /** The window read, defaults applied. */
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  nextCursor: z.string().nullable(),
};

export const tenantCallLogSchema = z.object({ items: z.array(callLogItemSchema), ...pageFields });
export const platformCallLogSchema = z.object({ items: z.array(platformCallLogItemSchema), ...pageFields });

/**
 * A call's stored request and response bodies (only where its policy's `logging.bodies` is on), as stored:
 * redacted (every PII entity as a numbered placeholder, `[EMAIL_1]`; deny list matches as `[REDACTED]`) and cut at
 * 64 KiB. The request as the client sent it (JSON); the answer as the client got it: its JSON, or for a stream the
 * text its events carried. A body is null when the call had none (a refusal has no answer).
 */
export const callLogBodiesSchema = z.object({
  request: z.string().nullable(),
  response: z.string().nullable(),
  requestTruncated: z.boolean(),
  responseTruncated: z.boolean(),
  /** Set when the stored bodies cannot be decrypted (their key is no longer configured): both bodies are null. */
  decryptionError: z.string().nullable(),
});

/** One call with everything recorded of it. Names come from the keys, providers and products as they are now. */
export const callLogDetailSchema = platformCallLogItemSchema.extend({
  /** `chat.completions`, `messages`, `responses`, `embeddings`, `http`... */
  endpoint: z.string().nullable(),
  productId: z.string().nullable(),
  productSlug: z.string().nullable(),
  providerId: z.string().nullable(),
  providerName: z.string().nullable(),
  /** The model the provider was asked for, after routing. */
  upstreamModel: z.string().nullable(),
  cachedTokens: z.number().int(),
  streamed: z.boolean(),
  /** Where the token counts came from: `upstream`, `estimate`, `unknown`, `none`; null on old calls. */
  usageSource: z.string().nullable(),
  /** Null once the key is deleted. */
  keyName: z.string().nullable(),
  keyPrefix: z.string().nullable(),
  /** Null when no bodies are stored for the call (the policy does not store them, or they have expired). */
  bodies: callLogBodiesSchema.nullable(),
});

export type TenantCallLogQuery = z.infer<typeof tenantCallLogQuerySchema>;
export type PlatformCallLogQuery = z.infer<typeof platformCallLogQuerySchema>;
export type CallLogItemResponse = z.infer<typeof callLogItemSchema>;
export type PlatformCallLogItemResponse = z.infer<typeof platformCallLogItemSchema>;
export type TenantCallLogResponse = z.infer<typeof tenantCallLogSchema>;
export type PlatformCallLogResponse = z.infer<typeof platformCallLogSchema>;
export type CallLogDetailResponse = z.infer<typeof callLogDetailSchema>;
export type CallLogBodiesResponse = z.infer<typeof callLogBodiesSchema>;
