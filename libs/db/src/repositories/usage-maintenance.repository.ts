import { Prisma } from '../generated/prisma/client';
import { type DbExecutor } from '../prisma-client';

/** One bucket where the rollups and the raw rows disagree (null = that side has no row for it). */
export interface RollupDifference {
  granularity: 'MINUTE' | 'HOUR' | 'DAY';
  bucketStart: Date;
  tenantId: string;
  apiKeyId: string;
  productId: string;
  model: string;
  raw: RollupSums | null;
  rollup: RollupSums | null;
}

export interface RollupSums {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  /** Decimal string, exact. */
  costUsd: string;
}

export interface ReconciliationWindow {
  /** Inclusive; a UTC day start, so every day bucket in the window is whole. */
  from: Date;
  /** Exclusive; a UTC day start. */
  to: Date;
  /** Minute buckets are compared from here on only (older ones are pruned by retention). */
  minuteFrom: Date;
}

export interface ReconciliationResult {
  /** Buckets compared (rollup rows and raw groups, matched). */
  buckets: number;
  differenceCount: number;
  /** The first differences, ordered by bucket. */
  differences: RollupDifference[];
}

const GRANULARITIES = Prisma.sql`(VALUES ('MINUTE'::rollup_granularity, 'minute'), ('HOUR', 'hour'), ('DAY', 'day'))`;

/** Chunks keep each delete's transaction (and its locks and WAL) small on a table written to all the time. */
const DELETE_CHUNK = 10_000;

/**
 * Housekeeping of the usage tables: retention of minute rollups (hour and day rollups are kept; raw events are
 * dropped by the day, see DailyPartitions), and the reconciliation that proves the rollups equal the raw rows they
 * were made from.
 */
export class UsageMaintenanceRepository {
  constructor(private readonly db: DbExecutor) {}

  /** Deletes the call log's stored bodies whose `expires_at` has passed, in chunks; resolves with how many. */
  deleteExpiredBodies(now: Date): Promise<number> {
    return this.deleteInChunks(
      (limit) => Prisma.sql`
        DELETE FROM call_log_bodies WHERE (request_id, created_at) IN (
          SELECT request_id, created_at FROM call_log_bodies WHERE expires_at <= ${now} LIMIT ${limit}
        )`,
    );
  }

  /** Deletes minute rollups of buckets before `cutoff`, in chunks; resolves with how many. */
  deleteMinuteRollupsBefore(cutoff: Date): Promise<number> {
    return this.deleteInChunks(
      (limit) => Prisma.sql`
        DELETE FROM usage_rollups WHERE id IN (
          SELECT id FROM usage_rollups WHERE granularity = 'MINUTE' AND bucket_start < ${cutoff} LIMIT ${limit}
        )`,
    );
  }

  /**
   * Compares every rollup bucket in the window with the sums of the raw rows it covers, in one statement (one
   * snapshot: ingestion writes rows and rollups in one statement too, so a consistent pipeline shows no
   * difference even while it runs). Events without a key or product have no rollup and are left out.
   */
  async reconcile(window: ReconciliationWindow, keep = 20): Promise<ReconciliationResult> {
    const { from, to, minuteFrom } = window;
    const rows = await this.db.$queryRaw<
      {
        granularity: RollupDifference['granularity'];
        bucket_start: Date;
        tenant_id: string;
        api_key_id: string;
        product_id: string;
        model: string;
        raw_requests: bigint | null;
        raw_errors: bigint | null;
        raw_input: bigint | null;
        raw_output: bigint | null;
        raw_cached: bigint | null;
        raw_cost: Prisma.Decimal | null;
        rollup_requests: bigint | null;
        rollup_errors: bigint | null;
        rollup_input: bigint | null;
        rollup_output: bigint | null;
        rollup_cached: bigint | null;
        rollup_cost: Prisma.Decimal | null;
        buckets: bigint;
        difference_count: bigint;
      }[]
    >(Prisma.sql`
      WITH raw AS (
        SELECT g.granularity, date_trunc(g.unit, e.created_at, 'UTC') AS bucket_start, e.tenant_id, e.api_key_id,
          e.product_id, COALESCE(e.model, '') AS model, count(*) AS requests,
          count(*) FILTER (WHERE e.status_code >= 400) AS errors, sum(e.input_tokens) AS input_tokens,
          sum(e.output_tokens) AS output_tokens, sum(e.cached_tokens) AS cached_tokens, sum(e.cost_usd) AS cost_usd
        FROM usage_events e
        CROSS JOIN ${GRANULARITIES} AS g(granularity, unit)
        WHERE e.created_at >= CASE WHEN g.granularity = 'MINUTE' THEN GREATEST(${from}::timestamptz, ${minuteFrom}::timestamptz) ELSE ${from}::timestamptz END
          AND e.created_at < ${to}::timestamptz
          AND e.api_key_id IS NOT NULL AND e.product_id IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5, 6
      ),
      rolled AS (
        SELECT granularity, bucket_start, tenant_id, api_key_id, product_id, model, requests::bigint AS requests,
          errors::bigint AS errors, input_tokens, output_tokens, cached_tokens, cost_usd
        FROM usage_rollups
        WHERE bucket_start >= CASE WHEN granularity = 'MINUTE' THEN GREATEST(${from}::timestamptz, ${minuteFrom}::timestamptz) ELSE ${from}::timestamptz END
          AND bucket_start < ${to}::timestamptz
      ),
      compared AS (
        SELECT granularity, bucket_start, tenant_id, api_key_id, product_id, model,
          raw.requests AS raw_requests, raw.errors AS raw_errors, raw.input_tokens AS raw_input,
          raw.output_tokens AS raw_output, raw.cached_tokens AS raw_cached, raw.cost_usd AS raw_cost,
          rolled.requests AS rollup_requests, rolled.errors AS rollup_errors, rolled.input_tokens AS rollup_input,
          rolled.output_tokens AS rollup_output, rolled.cached_tokens AS rollup_cached, rolled.cost_usd AS rollup_cost,
          (raw.requests IS DISTINCT FROM rolled.requests OR raw.errors IS DISTINCT FROM rolled.errors
            OR raw.input_tokens IS DISTINCT FROM rolled.input_tokens
            OR raw.output_tokens IS DISTINCT FROM rolled.output_tokens
            OR raw.cached_tokens IS DISTINCT FROM rolled.cached_tokens
            OR raw.cost_usd IS DISTINCT FROM rolled.cost_usd) AS differs
        FROM raw FULL OUTER JOIN rolled USING (granularity, bucket_start, tenant_id, api_key_id, product_id, model)
      ),
      totals AS (
        SELECT count(*) AS buckets, count(*) FILTER (WHERE differs) AS difference_count FROM compared
      )
      SELECT totals.buckets, totals.difference_count, d.*
      FROM totals
      LEFT JOIN LATERAL (
        SELECT * FROM compared WHERE differs ORDER BY bucket_start, granularity, tenant_id, api_key_id, product_id, model
        LIMIT ${keep}
      ) d ON true
    `);
    const first = rows[0];
    const sums = (
      requests: bigint | null,
      errors: bigint | null,
      input: bigint | null,
      output: bigint | null,
      cached: bigint | null,
      cost: Prisma.Decimal | null,
    ): RollupSums | null =>
      requests === null
        ? null
        : {
            requests: Number(requests),
            errors: Number(errors ?? 0),
            inputTokens: Number(input ?? 0),
            outputTokens: Number(output ?? 0),
            cachedTokens: Number(cached ?? 0),
            costUsd: (cost ?? new Prisma.Decimal(0)).toString(),
          };
    return {
      buckets: Number(first?.buckets ?? 0),
      differenceCount: Number(first?.difference_count ?? 0),
      differences: rows
        .filter((row) => row.granularity !== null)
        .map((row) => ({
          granularity: row.granularity,
          bucketStart: row.bucket_start,
          tenantId: row.tenant_id,
          apiKeyId: row.api_key_id,
          productId: row.product_id,
          model: row.model,
          raw: sums(row.raw_requests, row.raw_errors, row.raw_input, row.raw_output, row.raw_cached, row.raw_cost),
          rollup: sums(
            row.rollup_requests,
            row.rollup_errors,
            row.rollup_input,
            row.rollup_output,
            row.rollup_cached,
            row.rollup_cost,
          ),
        })),
    };
  }

  private async deleteInChunks(statement: (limit: number) => Prisma.Sql): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.db.$executeRaw(statement(DELETE_CHUNK));
      total += deleted;
      if (deleted < DELETE_CHUNK) return total;
    }
  }
}
