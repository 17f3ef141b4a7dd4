import { type AnomalyIncident, Prisma } from '../generated/prisma/client';
import { type DbExecutor } from '../prisma-client';
import { type RollupSlice, type UsageRange } from './rollup-slices';

/** A tenant's calls in a window of raw events. Costs are USD decimal strings. */
export interface AnomalyWindowRow {
  tenantId: string;
  requests: number;
  errors: number;
  serverErrors: number;
  policyBlocks: number;
  costUsd: string;
}

/** A tenant's calls in the baseline, from the rollups. */
export interface AnomalyBaselineRow {
  tenantId: string;
  requests: number;
  errors: number;
  costUsd: string;
}

export interface OpenAnomalyData {
  subject: string;
  tenantId: string | null;
  signal: string;
  windowStart: Date;
  windowEnd: Date;
  observed: number;
  baseline: number;
  openedAt: Date;
}

/** A `policy_actions` value as an array whatever it holds (null on old calls, an object on the earliest ones). */
const ACTIONS_ARRAY = Prisma.sql`CASE WHEN jsonb_typeof(e.policy_actions) = 'array' THEN e.policy_actions ELSE '[]'::jsonb END`;

/**
 * Anomaly detection across every tenant: the recent window of raw events and the baseline from the rollups,
 * grouped by tenant, and the incidents that make an anomaly tell once. A platform job with no caller, so its
 * reads span tenants by design; incidents are addressed by the ids these queries return.
 */
export class AnomalyRepository {
  constructor(private readonly db: DbExecutor) {}

  /**
   * Each tenant's calls in `[from, to)` from the raw events, on the (created_at) index: the window is a few
   * minutes, and it is the only place that tells server errors and policy refusals apart.
   */
  async windowByTenant({ from, to }: UsageRange): Promise<AnomalyWindowRow[]> {
    const rows = await this.db.$queryRaw<
      {
        tenantId: string;
        requests: bigint;
        errors: bigint;
        serverErrors: bigint;
        policyBlocks: bigint;
        costUsd: string;
      }[]
    >`
      SELECT e.tenant_id::text AS "tenantId", count(*) AS requests,
        count(*) FILTER (WHERE e.status_code >= 400) AS errors,
        count(*) FILTER (WHERE e.status_code >= 500) AS "serverErrors",
        count(*) FILTER (WHERE EXISTS (
          SELECT 1 FROM jsonb_array_elements(${ACTIONS_ARRAY}) AS a(value)
          WHERE jsonb_typeof(a.value) = 'string' AND a.value #>> '{}' LIKE 'block:%'
        )) AS "policyBlocks",
        COALESCE(sum(e.cost_usd), 0)::text AS "costUsd"
      FROM usage_events e
      WHERE e.created_at >= ${from.toISOString()}::timestamptz AND e.created_at < ${to.toISOString()}::timestamptz
      GROUP BY e.tenant_id`;
    return rows.map((row) => ({
      tenantId: row.tenantId,
      requests: Number(row.requests),
      errors: Number(row.errors),
      serverErrors: Number(row.serverErrors),
      policyBlocks: Number(row.policyBlocks),
      costUsd: row.costUsd,
    }));
  }

  /** Each tenant's calls over the slices (which must not overlap), summed from the rollups. */
  async baselineByTenant(slices: readonly RollupSlice[]): Promise<AnomalyBaselineRow[]> {
    if (slices.length === 0) return [];
    const rows = await this.db.$queryRaw<{ tenantId: string; requests: bigint; errors: bigint; costUsd: string }[]>`
      SELECT r.tenant_id::text AS "tenantId", sum(r.requests)::bigint AS requests, sum(r.errors)::bigint AS errors,
        sum(r.cost_usd)::text AS "costUsd"
      FROM usage_rollups r
      JOIN unnest(
        ${slices.map((slice) => slice.granularity)}::rollup_granularity[],
        ${slices.map((slice) => slice.from.toISOString())}::timestamptz[],
        ${slices.map((slice) => slice.to.toISOString())}::timestamptz[]
      ) AS q(granularity, range_from, range_to)
        ON r.granularity = q.granularity AND r.bucket_start >= q.range_from AND r.bucket_start < q.range_to
      GROUP BY r.tenant_id`;
    return rows.map((row) => ({
      tenantId: row.tenantId,
      requests: Number(row.requests),
      errors: Number(row.errors),
      costUsd: row.costUsd,
    }));
  }

  /** Which of `ids` are tenants (usage events outlive their tenant). */
  async existingTenants(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.tenant.findMany({ where: { id: { in: [...ids] } }, select: { id: true } });
    return new Set(rows.map((row) => row.id));
  }

  listOpen(): Promise<AnomalyIncident[]> {
    return this.db.anomalyIncident.findMany({ where: { open: true } });
  }

  /**
   * Opens an incident with INSERT ... ON CONFLICT DO NOTHING on the one-open-incident key, and resolves with it
   * only when this statement inserted it: an evaluation that finds it open already (even one still committing)
   * gets null, so only one ever tells of it.
   */
  async open(data: OpenAnomalyData): Promise<AnomalyIncident | null> {
    const [row] = await this.db.$queryRaw<{ id: string }[]>`
      INSERT INTO anomaly_incidents (subject, tenant_id, signal, window_start, window_end, observed, baseline, opened_at)
      VALUES (${data.subject}, ${data.tenantId}::uuid, ${data.signal}, ${data.windowStart.toISOString()}::timestamptz,
        ${data.windowEnd.toISOString()}::timestamptz, ${data.observed}, ${data.baseline},
        ${data.openedAt.toISOString()}::timestamptz)
      ON CONFLICT (subject, signal, open) DO NOTHING
      RETURNING id::text AS id`;
    return row ? this.db.anomalyIncident.findUnique({ where: { id: row.id } }) : null;
  }

  /** The signal is anomalous again: the count of normal evaluations starts over. */
  async stillAnomalous(id: string): Promise<void> {
    await this.db.anomalyIncident.updateMany({ where: { id, open: true }, data: { normalStreak: 0 } });
  }

  /**
   * One more normal evaluation; the one that reaches `resolveAfter` resolves the incident, in the same statement,
   * and resolves with it (null otherwise, and for an incident resolved already).
   */
  async recordNormal(id: string, resolveAfter: number, now: Date): Promise<AnomalyIncident | null> {
    const [row] = await this.db.$queryRaw<{ id: string; open: boolean | null }[]>`
      UPDATE anomaly_incidents SET normal_streak = normal_streak + 1,
        open = CASE WHEN normal_streak + 1 >= ${resolveAfter} THEN NULL ELSE open END,
        resolved_at = CASE WHEN normal_streak + 1 >= ${resolveAfter} THEN ${now.toISOString()}::timestamptz END
      WHERE id = ${id}::uuid AND open
      RETURNING id::text AS id, open`;
    return row?.open === null ? this.db.anomalyIncident.findUnique({ where: { id: row.id } }) : null;
  }
}
