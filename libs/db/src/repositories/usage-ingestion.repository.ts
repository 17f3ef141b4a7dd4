import { Prisma } from '../generated/prisma/client';
import { type DbExecutor } from '../prisma-client';

/** One gateway request to ingest: the `usage.recorded` payload, with the instant parsed. */
export interface UsageEventInput {
  requestId: string;
  occurredAt: Date;
  tenantId: string;
  apiKeyId: string | null;
  subscriptionId: string | null;
  productId: string | null;
  model: string | null;
  providerId: string | null;
  upstreamModel: string | null;
  endpoint: string;
  statusCode: number;
  errorCode: string | null;
  latencyMs: number;
  timeToFirstByteMs: number | null;
  /** Absent from events of gateways older than the field: stored as null. */
  timeToFirstTokenMs?: number | null;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  usageSource: string;
  streamed: boolean;
  cacheHit: boolean;
  policyActions: string[];
  /** The call's bodies, encrypted by the gateway, when its policy stores them. */
  bodies?: EncryptedBodiesInput;
}

/** One encrypted body: base64 of the AES-256-GCM ciphertext, IV and tag, as the usage event carries them. */
export interface EncryptedBodyInput {
  ciphertext: string;
  iv: string;
  tag: string;
}

/** A call's stored bodies (`call_log_bodies`), as the usage event carries them. */
export interface EncryptedBodiesInput {
  keyVersion: number;
  /** ISO 8601: when retention deletes them. */
  expiresAt: string;
  request: EncryptedBodyInput | null;
  response: EncryptedBodyInput | null;
  requestTruncated: boolean;
  responseTruncated: boolean;
}

export interface IngestResult {
  /** Events written now; the others of the batch were already there (a redelivery). */
  inserted: number;
}

/**
 * Writes usage events and their minute/hour/day rollups in one statement, hence one transaction: the raw
 * rows go in with `ON CONFLICT (request_id, created_at) DO NOTHING`, and only the rows that statement actually
 * inserted (its `RETURNING`) feed the rollups, so an event delivered twice, in one batch or in two, counts once.
 * The key holds created_at because usage_events is partitioned by it; every delivery of a request carries the same
 * occurredAt, so the pair is as strict as the request id alone.
 *
 * Cost is priced here, in SQL numeric (exact decimals, no float), from the price of the event's model alias
 * within its product in force at `occurredAt`. It equals `costMicros` of libs/domain: tokens × USD per 1M is
 * the cost in micro-USD, rounded up once to a whole micro-USD, like the limiter's budget counters, so the two
 * reconcile to the micro-dollar. An event without a price row (or with `unknown` counts, which are 0) costs 0;
 * `usage_source` tells an unknown-count call from a free one.
 *
 * The encrypted bodies of the events that carry some go to `call_log_bodies` in the same statement, for the rows
 * it inserted only, so a redelivered event stores its bodies once too.
 *
 * Buckets are UTC. `created_at` holds the event's own time (`occurredAt`), not the ingestion time, so a late
 * event lands in the bucket, and the retention window, of when it happened.
 */
export class UsageIngestionRepository {
  constructor(private readonly db: DbExecutor) {}

  async ingest(events: readonly UsageEventInput[]): Promise<IngestResult> {
    if (events.length === 0) return { inserted: 0 };
    const column = <T>(pick: (event: UsageEventInput) => T): T[] => events.map(pick);
    const withBodies = events.flatMap((event) =>
      event.bodies === undefined ? [] : [{ ...event, bodies: event.bodies }],
    );
    const bodyColumn = <T>(pick: (bodies: EncryptedBodiesInput, requestId: string) => T): T[] =>
      withBodies.map((event) => pick(event.bodies, event.requestId));
    // Each array is one parameter, so a batch of any size is one round trip with a fixed number of bind values.
    const rows = await this.db.$queryRaw<{ inserted: bigint }[]>(Prisma.sql`
      WITH input AS (
        SELECT * FROM unnest(
          ${column((e) => e.requestId)}::text[],
          ${column((e) => e.occurredAt.toISOString())}::timestamptz[],
          ${column((e) => e.tenantId)}::uuid[],
          ${column((e) => e.apiKeyId)}::uuid[],
          ${column((e) => e.subscriptionId)}::uuid[],
          ${column((e) => e.productId)}::uuid[],
          ${column((e) => e.model)}::text[],
          ${column((e) => e.providerId)}::uuid[],
          ${column((e) => e.upstreamModel)}::text[],
          ${column((e) => e.endpoint)}::text[],
          ${column((e) => e.statusCode)}::int[],
          ${column((e) => e.errorCode)}::text[],
          ${column((e) => e.latencyMs)}::int[],
          ${column((e) => e.timeToFirstByteMs)}::int[],
          ${column((e) => e.timeToFirstTokenMs ?? null)}::int[],
          ${column((e) => e.inputTokens)}::int[],
          ${column((e) => e.outputTokens)}::int[],
          ${column((e) => e.cachedTokens)}::int[],
          ${column((e) => e.usageSource)}::text[],
          ${column((e) => e.streamed)}::boolean[],
          ${column((e) => e.cacheHit)}::boolean[],
          ${column((e) => JSON.stringify(e.policyActions))}::text[]
        ) AS t(request_id, occurred_at, tenant_id, api_key_id, subscription_id, product_id, model, provider_id,
               upstream_model, endpoint, status_code, error_code, latency_ms, time_to_first_byte_ms,
               time_to_first_token_ms, input_tokens, output_tokens, cached_tokens, usage_source, streamed, cache_hit,
               policy_actions)
      ),
      priced AS (
        SELECT input.*,
          CASE WHEN price.input_per_1m IS NULL THEN 0::numeric ELSE ceil(
            GREATEST(input.input_tokens - input.cached_tokens, 0) * price.input_per_1m
            + LEAST(input.cached_tokens, input.input_tokens) * COALESCE(price.cached_input_per_1m, price.input_per_1m)
            + input.output_tokens * price.output_per_1m
          ) / 1000000 END AS cost_usd
        FROM input
        LEFT JOIN LATERAL (
          SELECT mp.input_per_1m, mp.output_per_1m, mp.cached_input_per_1m
          FROM model_routes mr
          JOIN model_prices mp ON mp.model_route_id = mr.id
          WHERE mr.alias = input.model AND mr.product_id = input.product_id
            AND mp.effective_from <= input.occurred_at
            AND (mp.effective_to IS NULL OR mp.effective_to > input.occurred_at)
          ORDER BY mp.effective_from DESC
          LIMIT 1
        ) price ON true
      ),
      inserted AS (
        INSERT INTO usage_events (request_id, created_at, tenant_id, api_key_id, subscription_id, product_id, model,
          provider_id, upstream_model, endpoint, status_code, error_code, latency_ms, time_to_first_byte_ms,
          time_to_first_token_ms, input_tokens, output_tokens, cached_tokens, cost_usd, usage_source, streamed,
          cache_hit, policy_actions)
        -- DISTINCT ON: a request id twice in one batch is a duplicate too (ON CONFLICT cannot see its own rows).
        SELECT DISTINCT ON (request_id) request_id, occurred_at, tenant_id, api_key_id, subscription_id, product_id,
          model, provider_id, upstream_model, endpoint, status_code, error_code, latency_ms, time_to_first_byte_ms,
          time_to_first_token_ms, input_tokens, output_tokens, cached_tokens, cost_usd, usage_source, streamed, cache_hit,
          policy_actions::jsonb
        FROM priced
        ON CONFLICT (request_id, created_at) DO NOTHING
        RETURNING request_id, created_at, tenant_id, api_key_id, product_id, model, status_code, input_tokens,
          output_tokens, cached_tokens, cost_usd
      ),
      buckets AS (
        SELECT g.granularity, date_trunc(g.unit, i.created_at, 'UTC') AS bucket_start, i.*
        FROM inserted i
        CROSS JOIN (VALUES ('MINUTE'::rollup_granularity, 'minute'), ('HOUR', 'hour'), ('DAY', 'day')) AS g(granularity, unit)
        -- Events rejected before a key or product was known stay in usage_events only (see the schema).
        WHERE i.api_key_id IS NOT NULL AND i.product_id IS NOT NULL
      ),
      rolled AS (
        INSERT INTO usage_rollups (granularity, bucket_start, tenant_id, api_key_id, product_id, model, requests,
          errors, input_tokens, output_tokens, cached_tokens, cost_usd)
        SELECT granularity, bucket_start, tenant_id, api_key_id, product_id, COALESCE(model, ''), count(*),
          count(*) FILTER (WHERE status_code >= 400), sum(input_tokens), sum(output_tokens), sum(cached_tokens),
          sum(cost_usd)
        FROM buckets
        GROUP BY granularity, bucket_start, tenant_id, api_key_id, product_id, COALESCE(model, '')
        -- One order of row locks for every batch, so two workers upserting the same buckets queue rather than
        -- deadlock; a deadlock that still happens fails the batch, and BullMQ retries it.
        ORDER BY granularity, bucket_start, tenant_id, api_key_id, product_id, COALESCE(model, '')
        ON CONFLICT (granularity, bucket_start, tenant_id, api_key_id, product_id, model) DO UPDATE SET
          requests = usage_rollups.requests + EXCLUDED.requests,
          errors = usage_rollups.errors + EXCLUDED.errors,
          input_tokens = usage_rollups.input_tokens + EXCLUDED.input_tokens,
          output_tokens = usage_rollups.output_tokens + EXCLUDED.output_tokens,
          cached_tokens = usage_rollups.cached_tokens + EXCLUDED.cached_tokens,
          cost_usd = usage_rollups.cost_usd + EXCLUDED.cost_usd,
          updated_at = now()
        RETURNING 1
      ),
      bodies AS (
        SELECT * FROM unnest(
          ${bodyColumn((_, requestId) => requestId)}::text[],
          ${bodyColumn((b) => b.expiresAt)}::timestamptz[],
          ${bodyColumn((b) => b.keyVersion)}::int[],
          ${bodyColumn((b) => b.request?.ciphertext ?? null)}::text[],
          ${bodyColumn((b) => b.request?.iv ?? null)}::text[],
          ${bodyColumn((b) => b.request?.tag ?? null)}::text[],
          ${bodyColumn((b) => b.response?.ciphertext ?? null)}::text[],
          ${bodyColumn((b) => b.response?.iv ?? null)}::text[],
          ${bodyColumn((b) => b.response?.tag ?? null)}::text[],
          ${bodyColumn((b) => b.requestTruncated)}::boolean[],
          ${bodyColumn((b) => b.responseTruncated)}::boolean[]
        ) AS t(request_id, expires_at, key_version, request_ciphertext, request_iv, request_tag, response_ciphertext,
               response_iv, response_tag, request_truncated, response_truncated)
      ),
      stored_bodies AS (
        INSERT INTO call_log_bodies (request_id, tenant_id, created_at, expires_at, key_version, request_ciphertext,
          request_iv, request_tag, response_ciphertext, response_iv, response_tag, request_truncated,
          response_truncated)
        SELECT DISTINCT ON (b.request_id) b.request_id, i.tenant_id, i.created_at, b.expires_at, b.key_version,
          decode(b.request_ciphertext, 'base64'), decode(b.request_iv, 'base64'), decode(b.request_tag, 'base64'),
          decode(b.response_ciphertext, 'base64'), decode(b.response_iv, 'base64'), decode(b.response_tag, 'base64'),
          b.request_truncated, b.response_truncated
        FROM bodies b
        JOIN inserted i ON i.request_id = b.request_id
        ON CONFLICT (request_id, created_at) DO NOTHING
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM inserted) AS inserted, (SELECT count(*) FROM rolled) AS rolled,
        (SELECT count(*) FROM stored_bodies) AS bodies
    `);
    return { inserted: Number(rows[0]?.inserted ?? 0) };
  }

  /**
   * Moves each key's `last_used_at` forward to the given instant (never back: a late event does not rewind it).
   * One statement for any number of keys; keys that no longer exist are skipped.
   */
  async recordKeysLastUsed(lastUsed: ReadonlyMap<string, Date>): Promise<void> {
    if (lastUsed.size === 0) return;
    const ids = [...lastUsed.keys()];
    const instants = ids.map((id) => lastUsed.get(id)?.toISOString() ?? null);
    await this.db.$executeRaw(Prisma.sql`
      UPDATE api_keys AS k SET last_used_at = u.used_at
      FROM unnest(${ids}::uuid[], ${instants}::timestamptz[]) AS u(id, used_at)
      WHERE k.id = u.id AND (k.last_used_at IS NULL OR k.last_used_at < u.used_at)
    `);
  }
}
