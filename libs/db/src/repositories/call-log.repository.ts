import { type TenantId } from '@gatehouse/contracts';
import { Prisma } from '../generated/prisma/client';
import { type DbExecutor } from '../prisma-client';

/** Which calls a call-log page reads; every field but the window and the page is optional. */
export interface CallLogFilter {
  /** `[from, to)`, bounded by the caller so that a query stays on an index range. */
  from: Date;
  to: Date;
  model?: string;
  /** Inclusive bounds of the status code: `4xx` is 400..499. */
  status?: { min: number; max: number };
  errorCode?: string;
  apiKeyId?: string;
  /** A decision filter in the call log's grammar (`block`, `pii.input`, `block:pii.input`); see decisionPattern. */
  decision?: string;
  /** The last call of the previous page: the page starts strictly after (older than) it. */
  after?: { at: Date; id: string };
  limit: number;
}

/** One call as the log lists it. Amounts are exact decimal text, converted once at the edge. */
export interface CallLogRow {
  id: string;
  requestId: string;
  tenantId: string;
  apiKeyId: string | null;
  model: string | null;
  statusCode: number;
  errorCode: string | null;
  latencyMs: number;
  timeToFirstByteMs: number | null;
  timeToFirstTokenMs: number | null;
  streamed: boolean;
  inputTokens: number;
  outputTokens: number;
  costUsd: string;
  cacheHit: boolean;
  policyActions: string[];
  createdAt: Date;
}

/** A call with everything recorded of it and the names of what it refers to, as they are now. */
export interface CallLogDetailRow extends CallLogRow {
  endpoint: string | null;
  productId: string | null;
  productSlug: string | null;
  providerId: string | null;
  providerName: string | null;
  upstreamModel: string | null;
  cachedTokens: number;
  streamed: boolean;
  usageSource: string | null;
  keyName: string | null;
  keyPrefix: string | null;
  /** The call's stored bodies, still encrypted; null when none are stored (or they have expired). */
  bodies: StoredBodiesRow | null;
}

/** One encrypted body of `call_log_bodies`: AES-256-GCM ciphertext, IV and tag. */
export interface EncryptedBodyColumns {
  ciphertext: Uint8Array;
  iv: Uint8Array;
  authTag: Uint8Array;
}

/** A call's row of `call_log_bodies`, as stored: decrypting is the reader's business (it holds the keys). */
export interface StoredBodiesRow {
  keyVersion: number;
  request: EncryptedBodyColumns | null;
  response: EncryptedBodyColumns | null;
  requestTruncated: boolean;
  responseTruncated: boolean;
}

/** The detail query's row: the body columns flat, as SQL returns them. */
interface DetailQueryRow extends Omit<CallLogDetailRow, 'bodies'> {
  bodyKeyVersion: number | null;
  requestCiphertext: Uint8Array | null;
  requestIv: Uint8Array | null;
  requestTag: Uint8Array | null;
  responseCiphertext: Uint8Array | null;
  responseIv: Uint8Array | null;
  responseTag: Uint8Array | null;
  requestTruncated: boolean | null;
  responseTruncated: boolean | null;
}

export interface CallLogPage {
  rows: CallLogRow[];
  /** Set when more calls follow: the last row's position. */
  next: { at: Date; id: string } | null;
}

const ACTIONS = new Set(['block', 'redact', 'log', 'monitor', 'error']);

/**
 * The regular expression (POSIX, as Postgres's `~` reads it) that a recorded decision `action:rule[@policy]` must
 * match for a decision filter: `block` any rule the action was taken by; `pii.input` the rule and the names below it
 * (`pii.input.EMAIL`) whatever the action; `block:pii.input` both. The filter's grammar (checked by the query
 * schema) allows letters, digits, `_` and `.` only, so escaping the dots is all it takes.
 */
export function decisionPattern(decision: string): string {
  const separator = decision.indexOf(':');
  const [action, rule] =
    separator >= 0
      ? [decision.slice(0, separator), decision.slice(separator + 1)]
      : ACTIONS.has(decision)
        ? [decision, null]
        : [null, decision];
  const actionPart = action ?? '[a-z]+';
  const rulePart = rule === null ? '' : `${rule.replaceAll('.', '\\.')}([.@]|$)`;
  return `^${actionPart}:${rulePart}`;
}

/**
 * A `policy_actions` value as an array whatever it holds: it is null on calls recorded before it existed, and the
 * earliest rows hold objects, which no decision filter matches.
 */
const ACTIONS_ARRAY = Prisma.sql`CASE WHEN jsonb_typeof(r.policy_actions) = 'array' THEN r.policy_actions ELSE '[]'::jsonb END`;

/** The recorded decisions, strings only. */
const DECISIONS = Prisma.sql`COALESCE((
  SELECT jsonb_agg(a.value) FROM jsonb_array_elements(${ACTIONS_ARRAY}) AS a(value) WHERE jsonb_typeof(a.value) = 'string'
), '[]'::jsonb)`;

const LIST_COLUMNS = Prisma.sql`
  r.id::text AS "id", r.request_id AS "requestId", r.tenant_id::text AS "tenantId", r.api_key_id::text AS "apiKeyId",
  r.model, r.status_code AS "statusCode", r.error_code AS "errorCode", r.latency_ms AS "latencyMs",
  r.time_to_first_byte_ms AS "timeToFirstByteMs", r.time_to_first_token_ms AS "timeToFirstTokenMs",
  r.streamed, r.input_tokens AS "inputTokens", r.output_tokens AS "outputTokens",
  r.cost_usd::text AS "costUsd", r.cache_hit AS "cacheHit", ${DECISIONS} AS "policyActions",
  r.created_at AS "createdAt"`;

function filterSql(filter: CallLogFilter): Prisma.Sql {
  const conditions = [
    Prisma.sql`r.created_at >= ${filter.from.toISOString()}::timestamptz`,
    Prisma.sql`r.created_at < ${filter.to.toISOString()}::timestamptz`,
  ];
  if (filter.model !== undefined) conditions.push(Prisma.sql`r.model = ${filter.model}`);
  if (filter.status !== undefined) {
    conditions.push(Prisma.sql`r.status_code BETWEEN ${filter.status.min} AND ${filter.status.max}`);
  }
  if (filter.errorCode !== undefined) conditions.push(Prisma.sql`r.error_code = ${filter.errorCode}`);
  if (filter.apiKeyId !== undefined) conditions.push(Prisma.sql`r.api_key_id = ${filter.apiKeyId}::uuid`);
  if (filter.decision !== undefined) {
    conditions.push(Prisma.sql`EXISTS (
      SELECT 1 FROM jsonb_array_elements_text(${ACTIONS_ARRAY}) AS a(action) WHERE a.action ~ ${decisionPattern(filter.decision)}
    )`);
  }
  if (filter.after !== undefined) {
    // Spelled out rather than a row comparison so the created_at bound alone narrows the index range.
    const at = filter.after.at.toISOString();
    conditions.push(Prisma.sql`r.created_at <= ${at}::timestamptz
      AND (r.created_at < ${at}::timestamptz OR r.id < ${filter.after.id}::uuid)`);
  }
  return Prisma.join(conditions, ' AND ');
}

/**
 * The call log: usage events one by one, newest first, keyset-paged on (created_at, id). A tenant's queries read
 * the (tenant_id, created_at) index, the platform's the (created_at) one; the window the caller bounds keeps each
 * on a range of it. Build it on the read client: these are dashboard reads.
 */
export class CallLogRepository {
  constructor(private readonly db: DbExecutor) {}

  listForTenant(tenantId: TenantId, filter: CallLogFilter): Promise<CallLogPage> {
    return this.list(Prisma.sql`r.tenant_id = ${tenantId}::uuid AND`, filter);
  }

  /** Every tenant's calls, or one tenant's when `tenantId` is given (platform admins only). */
  listForPlatform(filter: CallLogFilter & { tenantId?: string }): Promise<CallLogPage> {
    const scope = filter.tenantId === undefined ? Prisma.empty : Prisma.sql`r.tenant_id = ${filter.tenantId}::uuid AND`;
    return this.list(scope, filter);
  }

  /** A tenant's call by request id; null when there is none, or it is another tenant's. */
  findForTenant(tenantId: TenantId, requestId: string): Promise<CallLogDetailRow | null> {
    return this.find(Prisma.sql`AND r.tenant_id = ${tenantId}::uuid`, requestId);
  }

  /** Any tenant's call by request id (platform admins only). */
  findForPlatform(requestId: string): Promise<CallLogDetailRow | null> {
    return this.find(Prisma.empty, requestId);
  }

  private async list(scope: Prisma.Sql, filter: CallLogFilter): Promise<CallLogPage> {
    // One row more than asked tells whether another page follows.
    const rows = await this.db.$queryRaw<CallLogRow[]>(Prisma.sql`
      SELECT ${LIST_COLUMNS}
      FROM usage_events r
      WHERE ${scope} ${filterSql(filter)}
      ORDER BY r.created_at DESC, r.id DESC
      LIMIT ${filter.limit + 1}
    `);
    if (rows.length <= filter.limit) return { rows, next: null };
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1] as CallLogRow;
    return { rows: page, next: { at: last.createdAt, id: last.id } };
  }

  private async find(scope: Prisma.Sql, requestId: string): Promise<CallLogDetailRow | null> {
    const rows = await this.db.$queryRaw<DetailQueryRow[]>(Prisma.sql`
      SELECT ${LIST_COLUMNS}, r.endpoint, r.product_id::text AS "productId", p.slug AS "productSlug",
        r.provider_id::text AS "providerId", pr.name AS "providerName", r.upstream_model AS "upstreamModel",
        r.cached_tokens AS "cachedTokens", r.streamed, r.usage_source AS "usageSource", k.name AS "keyName",
        k.prefix AS "keyPrefix", b.key_version AS "bodyKeyVersion", b.request_ciphertext AS "requestCiphertext",
        b.request_iv AS "requestIv", b.request_tag AS "requestTag", b.response_ciphertext AS "responseCiphertext",
        b.response_iv AS "responseIv", b.response_tag AS "responseTag", b.request_truncated AS "requestTruncated",
        b.response_truncated AS "responseTruncated"
      FROM usage_events r
      -- LEFT joins: a call outlives its key, product and provider. The key join matches the tenant too.
      LEFT JOIN api_keys k ON k.id = r.api_key_id AND k.tenant_id = r.tenant_id
      LEFT JOIN products p ON p.id = r.product_id
      LEFT JOIN providers pr ON pr.id = r.provider_id
      -- The bodies are the call's own (same request, time and tenant) and shown only until they expire.
      LEFT JOIN call_log_bodies b ON b.request_id = r.request_id AND b.created_at = r.created_at
        AND b.tenant_id = r.tenant_id AND b.expires_at > now()
      WHERE r.request_id = ${requestId} ${scope}
    `);
    const row = rows[0];
    return row === undefined ? null : detailRow(row);
  }
}

function detailRow(row: DetailQueryRow): CallLogDetailRow {
  const {
    bodyKeyVersion,
    requestCiphertext,
    requestIv,
    requestTag,
    responseCiphertext,
    responseIv,
    responseTag,
    requestTruncated,
    responseTruncated,
    ...detail
  } = row;
  return {
    ...detail,
    bodies:
      bodyKeyVersion === null
        ? null
        : {
            keyVersion: bodyKeyVersion,
            request: encryptedBody(requestCiphertext, requestIv, requestTag),
            response: encryptedBody(responseCiphertext, responseIv, responseTag),
            requestTruncated: requestTruncated === true,
            responseTruncated: responseTruncated === true,
          },
  };
}

function encryptedBody(
  ciphertext: Uint8Array | null,
  iv: Uint8Array | null,
  authTag: Uint8Array | null,
): EncryptedBodyColumns | null {
  return ciphertext === null || iv === null || authTag === null ? null : { ciphertext, iv, authTag };
}
