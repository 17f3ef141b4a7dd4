import { type TenantId } from '@gatehouse/contracts';
import { Prisma } from '../generated/prisma/client';
import { type DbExecutor } from '../prisma-client';
import { rollupSlices, type UsageRange } from './rollup-slices';

/** What a report groups by. `key` only within a tenant; `tenant` only across tenants. */
export type UsageDimension = 'model' | 'key' | 'product' | 'tenant';

/**
 * Sums of rollups. Counts arrive as bigint and leave as numbers (exact up to 2^53, far beyond any report);
 * the cost stays the exact decimal text of the SQL numeric sum, for the caller to convert at the edge.
 */
export interface UsageSums {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  costUsd: string;
}

/** The fields of the dimension a row is grouped by; the names come from joins and are null once deleted. */
export interface UsageGroupFields {
  model?: string;
  apiKeyId?: string;
  keyName?: string | null;
  keyPrefix?: string | null;
  productId?: string;
  productSlug?: string | null;
  productName?: string | null;
  tenantId?: string;
  tenantName?: string | null;
}

export type UsageSeriesRow = UsageSums & UsageGroupFields & { bucket: Date };
export type UsagePeriodRow = UsageSums & UsageGroupFields;

export interface BudgetedTenant {
  id: string;
  name: string;
  timeZone: string;
  monthlyBudgetUsd: string;
}

interface DimensionSql {
  select: Prisma.Sql;
  join: Prisma.Sql;
  groupBy: Prisma.Sql;
  orderBy: Prisma.Sql;
}

/**
 * Fixed SQL per dimension: the requested dimension picks one of these, so no input ever becomes SQL text. Joins
 * are LEFT: rollups outlive the keys, products and tenants they name. The key join also matches the tenant, so
 * a key id can only ever show its own tenant's name. Names sort byte-wise (`COLLATE "C"`), so the order does not
 * depend on the collation a primary or a replica happens to be created with.
 */
const DIMENSIONS: Record<UsageDimension, DimensionSql> = {
  model: {
    select: Prisma.sql`r.model AS "model"`,
    join: Prisma.empty,
    groupBy: Prisma.sql`r.model`,
    orderBy: Prisma.sql`r.model COLLATE "C"`,
  },
  key: {
    select: Prisma.sql`r.api_key_id::text AS "apiKeyId", k.name AS "keyName", k.prefix AS "keyPrefix"`,
    join: Prisma.sql`LEFT JOIN api_keys k ON k.id = r.api_key_id AND k.tenant_id = r.tenant_id`,
    groupBy: Prisma.sql`r.api_key_id, k.name, k.prefix`,
    orderBy: Prisma.sql`k.name COLLATE "C", r.api_key_id`,
  },
  product: {
    select: Prisma.sql`r.product_id::text AS "productId", p.slug AS "productSlug", p.name AS "productName"`,
    join: Prisma.sql`LEFT JOIN products p ON p.id = r.product_id`,
    groupBy: Prisma.sql`r.product_id, p.slug, p.name`,
    orderBy: Prisma.sql`p.slug COLLATE "C", r.product_id`,
  },
  tenant: {
    select: Prisma.sql`r.tenant_id::text AS "tenantId", t.name AS "tenantName"`,
    join: Prisma.sql`LEFT JOIN tenants t ON t.id = r.tenant_id`,
    groupBy: Prisma.sql`r.tenant_id, t.name`,
    orderBy: Prisma.sql`t.name COLLATE "C", r.tenant_id`,
  },
};

/** `sum(bigint)` is numeric in Postgres: cast back so the driver hands over a bigint, not a Decimal. */
const SUMS = Prisma.sql`
  COALESCE(sum(r.requests), 0)::bigint AS "requests",
  COALESCE(sum(r.errors), 0)::bigint AS "errors",
  COALESCE(sum(r.input_tokens), 0)::bigint AS "inputTokens",
  COALESCE(sum(r.output_tokens), 0)::bigint AS "outputTokens",
  COALESCE(sum(r.cached_tokens), 0)::bigint AS "cachedTokens",
  COALESCE(sum(r.cost_usd), 0)::text AS "costUsd"`;

type RawSums = { [Name in Exclude<keyof UsageSums, 'costUsd'>]: bigint } & { costUsd: string };

function toSums<Row extends RawSums>(row: Row): Omit<Row, keyof RawSums> & UsageSums {
  return {
    ...row,
    requests: Number(row.requests),
    errors: Number(row.errors),
    inputTokens: Number(row.inputTokens),
    outputTokens: Number(row.outputTokens),
    cachedTokens: Number(row.cachedTokens),
    costUsd: row.costUsd,
  };
}

/** Whose rollups a query reads: one tenant's, some tenants', or every tenant's (platform admin reports). */
type Scope = { tenantId: TenantId } | { tenantIds: readonly string[] } | 'platform';

function scopeSql(scope: Scope): Prisma.Sql {
  if (scope === 'platform') return Prisma.empty;
  if ('tenantId' in scope) return Prisma.sql`AND r.tenant_id = ${scope.tenantId}::uuid`;
  return Prisma.sql`AND r.tenant_id = ANY(${[...scope.tenantIds]}::uuid[])`;
}

/** One recorded call, as a policy dry-run evaluates it again. */
export interface RecordedCall {
  requestId: string;
  tenantId: string;
  /** The tenant's time zone now (hours rules read the call's time in it). */
  timeZone: string;
  apiKeyId: string | null;
  /** The key's metadata labels now (they may have changed since the call); empty without a key. */
  keyMetadata: Record<string, string>;
  productSlug: string | null;
  model: string | null;
  statusCode: number;
  errorCode: string | null;
  createdAt: Date;
}

/** Usage and cost reports from the rollups. Build it on the read client: these are dashboard reads. */
export class UsageReportRepository {
  constructor(private readonly db: DbExecutor) {}

  /** A tenant's series: rollups of one granularity whose bucket starts in `range`, by bucket then group. */
  seriesForTenant(
    tenantId: TenantId,
    range: UsageRange,
    granularity: 'HOUR' | 'DAY',
    groupBy: Exclude<UsageDimension, 'tenant'> | null,
  ): Promise<UsageSeriesRow[]> {
    return this.series({ tenantId }, range, granularity, groupBy);
  }

  /** The same across every tenant (platform admins only). */
  seriesForPlatform(
    range: UsageRange,
    granularity: 'HOUR' | 'DAY',
    groupBy: Exclude<UsageDimension, 'key'> | null,
  ): Promise<UsageSeriesRow[]> {
    return this.series('platform', range, granularity, groupBy);
  }

  /**
   * A tenant's usage over exactly `range` (any instants, e.g. a month in the tenant's zone; see rollupSlices),
   * one row per group, costliest first; without a dimension, one row of totals (zeros when nothing was used).
   */
  periodForTenant(
    tenantId: TenantId,
    range: UsageRange,
    groupBy: Exclude<UsageDimension, 'tenant'> | null,
    limit?: number,
  ): Promise<UsagePeriodRow[]> {
    return this.period({ tenantId }, range, groupBy, limit);
  }

  /** The same across every tenant, or across `tenantIds` only when given. */
  periodForPlatform(
    range: UsageRange,
    groupBy: Exclude<UsageDimension, 'key'> | null,
    options: { limit?: number; tenantIds?: readonly string[] } = {},
  ): Promise<UsagePeriodRow[]> {
    const scope: Scope = options.tenantIds ? { tenantIds: options.tenantIds } : 'platform';
    return this.period(scope, range, groupBy, options.limit);
  }

  /** The calls recorded in `range`, newest first, at most `limit`: a tenant's, or every tenant's. */
  recordedCalls(scope: { tenantId: TenantId } | 'platform', range: UsageRange, limit: number): Promise<RecordedCall[]> {
    return this.db.$queryRaw<RecordedCall[]>(Prisma.sql`
      SELECT r.request_id AS "requestId", r.tenant_id::text AS "tenantId", t.time_zone AS "timeZone",
        r.api_key_id::text AS "apiKeyId", coalesce(k.metadata, '{}'::jsonb) AS "keyMetadata", p.slug AS "productSlug", r.model, r.status_code AS "statusCode",
        r.error_code AS "errorCode", r.created_at AS "createdAt"
      FROM usage_events r
      JOIN tenants t ON t.id = r.tenant_id
      LEFT JOIN api_keys k ON k.id = r.api_key_id
      LEFT JOIN products p ON p.id = r.product_id
      WHERE r.created_at >= ${range.from.toISOString()}::timestamptz
        AND r.created_at < ${range.to.toISOString()}::timestamptz
        ${scopeSql(scope)}
      ORDER BY r.created_at DESC
      LIMIT ${limit}
    `);
  }

  /**
   * How many calls of `range` carry each decision of a policy document's rule (`block:access.hours@global`,
   * `redact:pii.input.EMAIL@tenant:<id>`, `error:injection.external@global`...), per tenant. The limits' own
   * decisions (`monitor:subscription.rpm`) name no document and are left out.
   */
  policyActions(
    scope: { tenantId: TenantId } | 'platform',
    range: UsageRange,
  ): Promise<{ tenantId: string; action: string; count: number }[]> {
    return this.db.$queryRaw<{ tenantId: string; action: string; count: number }[]>(Prisma.sql`
      SELECT r.tenant_id::text AS "tenantId", a.action, count(*)::int AS "count"
      FROM usage_events r
      CROSS JOIN LATERAL jsonb_array_elements_text(r.policy_actions) AS a(action)
      WHERE r.created_at >= ${range.from.toISOString()}::timestamptz
        AND r.created_at < ${range.to.toISOString()}::timestamptz
        AND a.action ~ '^(block|redact|log|monitor|error):[A-Za-z_.]+@'
        ${scopeSql(scope)}
      GROUP BY r.tenant_id, a.action
      ORDER BY count(*) DESC, r.tenant_id, a.action
    `);
  }

  /** Tenants with a monthly budget, for the platform's budget burn (behind the admin guard). */
  async listBudgetedTenants(): Promise<BudgetedTenant[]> {
    const rows = await this.db.tenant.findMany({
      where: { monthlyBudgetUsd: { not: null } },
      select: { id: true, name: true, timeZone: true, monthlyBudgetUsd: true },
      orderBy: { id: 'asc' },
    });
    return rows.flatMap((row) =>
      row.monthlyBudgetUsd === null ? [] : [{ ...row, monthlyBudgetUsd: row.monthlyBudgetUsd.toFixed() }],
    );
  }

  private async series(
    scope: Scope,
    range: UsageRange,
    granularity: 'HOUR' | 'DAY',
    groupBy: UsageDimension | null,
  ): Promise<UsageSeriesRow[]> {
    const dimension = groupBy ? DIMENSIONS[groupBy] : null;
    const rows = await this.db.$queryRaw<(RawSums & UsageGroupFields & { bucket: Date })[]>(Prisma.sql`
      SELECT r.bucket_start AS "bucket", ${dimension ? Prisma.sql`${dimension.select},` : Prisma.empty} ${SUMS}
      FROM usage_rollups r ${dimension?.join ?? Prisma.empty}
      WHERE r.granularity = ${granularity}::rollup_granularity
        AND r.bucket_start >= ${range.from.toISOString()}::timestamptz
        AND r.bucket_start < ${range.to.toISOString()}::timestamptz
        ${scopeSql(scope)}
      GROUP BY r.bucket_start ${dimension ? Prisma.sql`, ${dimension.groupBy}` : Prisma.empty}
      ORDER BY r.bucket_start ${dimension ? Prisma.sql`, ${dimension.orderBy}` : Prisma.empty}
    `);
    return rows.map(toSums);
  }

  private async period(
    scope: Scope,
    range: UsageRange,
    groupBy: UsageDimension | null,
    limit: number | undefined,
  ): Promise<UsagePeriodRow[]> {
    const slices = rollupSlices(range);
    // An empty range still answers one row of zeros when not grouped, like a sum over no rows does.
    const covered =
      slices.length === 0
        ? Prisma.sql`false`
        : Prisma.join(
            slices.map(
              (slice) => Prisma.sql`(r.granularity = ${slice.granularity}::rollup_granularity
                AND r.bucket_start >= ${slice.from.toISOString()}::timestamptz
                AND r.bucket_start < ${slice.to.toISOString()}::timestamptz)`,
            ),
            ' OR ',
          );
    const dimension = groupBy ? DIMENSIONS[groupBy] : null;
    const rows = await this.db.$queryRaw<(RawSums & UsageGroupFields)[]>(Prisma.sql`
      SELECT ${dimension ? Prisma.sql`${dimension.select},` : Prisma.empty} ${SUMS}
      FROM usage_rollups r ${dimension?.join ?? Prisma.empty}
      WHERE (${covered}) ${scopeSql(scope)}
      ${
        dimension
          ? Prisma.sql`GROUP BY ${dimension.groupBy}
              ORDER BY sum(r.cost_usd) DESC, sum(r.requests) DESC, ${dimension.orderBy}`
          : Prisma.empty
      }
      ${limit === undefined ? Prisma.empty : Prisma.sql`LIMIT ${limit}`}
    `);
    return rows.map(toSums);
  }
}
