import { Injectable } from '@nestjs/common';
import {
  type PlatformUsageGrouping,
  type PlatformUsageItemResponse,
  type PlatformUsageQuery,
  type PlatformUsageSeriesResponse,
  type TenantId,
  type TenantUsageGrouping,
  type TenantUsageQuery,
  type TenantUsageSeriesResponse,
} from '@gatehouse/contracts';
import { TenantRepository, type UsageGroupFields, UsageReportRepository, type UsageSeriesRow } from '@gatehouse/db';
import { ApiError } from '../common/errors/api-error';
import { type CsvCell, type CsvFile, fixedDecimal, toCsv } from './usage-csv';
import { resolveUsageRange } from './usage-range';
import { toTotals } from './usage.mapper';

type Grouping = TenantUsageGrouping | PlatformUsageGrouping;

/** The group columns of each grouping, in the order the JSON items and the CSV columns show them. */
const GROUP_FIELDS = {
  model: ['model'],
  key: ['apiKeyId', 'keyName', 'keyPrefix'],
  product: ['productId', 'productSlug', 'productName'],
  tenant: ['tenantId', 'tenantName'],
} as const satisfies Record<Grouping, readonly (keyof UsageGroupFields)[]>;

const groupFieldsOf = (groupBy: Grouping | null): readonly (keyof UsageGroupFields)[] =>
  groupBy ? GROUP_FIELDS[groupBy] : [];

const SUM_FIELDS = ['requests', 'errors', 'inputTokens', 'outputTokens', 'cachedTokens'] as const;

/** Cost in the CSV: micro-dollars, the unit every call is priced to. */
const CSV_COST_DECIMALS = 6;

function groupOf(row: UsageSeriesRow, groupBy: Grouping | null): UsageGroupFields {
  return Object.fromEntries(groupFieldsOf(groupBy).map((field) => [field, row[field] ?? null]));
}

function toItem(row: UsageSeriesRow, groupBy: Grouping | null): PlatformUsageItemResponse {
  return { bucket: row.bucket.toISOString(), ...groupOf(row, groupBy), ...toTotals(row) };
}

function csvOf(rows: readonly UsageSeriesRow[], groupBy: Grouping | null): string {
  const groupFields = groupFieldsOf(groupBy);
  const header = ['bucket', ...groupFields, ...SUM_FIELDS, 'costUsd'];
  const lines = rows.map((row): CsvCell[] => [
    row.bucket.toISOString(),
    ...groupFields.map((field) => row[field] ?? null),
    ...SUM_FIELDS.map((field) => row[field]),
    fixedDecimal(row.costUsd, CSV_COST_DECIMALS),
  ]);
  return toCsv(header, lines);
}

/** `usage-<scope>-<granularity>-20260301T000000Z-20260302T000000Z.csv`: only characters safe in any file system. */
function filenameOf(scope: string, range: { from: Date; to: Date; granularity: string }): string {
  const stamp = (instant: Date) =>
    instant
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z')
      .replace(/[-:]/g, '');
  return `usage-${scope}-${range.granularity}-${stamp(range.from)}-${stamp(range.to)}.csv`;
}

/** Usage series (JSON and CSV) of a tenant, and of the whole platform for its admins. Rollups only. */
@Injectable()
export class UsageService {
  constructor(
    private readonly reports: UsageReportRepository,
    private readonly tenants: TenantRepository,
  ) {}

  async tenantSeries(
    tenantId: TenantId,
    query: TenantUsageQuery,
    now = new Date(),
  ): Promise<TenantUsageSeriesResponse> {
    const { range, groupBy, rows } = await this.tenantRows(tenantId, query, now);
    return {
      items: rows.map((row) => toItem(row, groupBy)),
      nextCursor: null,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      granularity: range.granularity,
      groupBy,
    };
  }

  async tenantCsv(tenantId: TenantId, query: TenantUsageQuery, now = new Date()): Promise<CsvFile> {
    const { range, groupBy, rows } = await this.tenantRows(tenantId, query, now);
    return { filename: filenameOf(tenantId, range), body: csvOf(rows, groupBy) };
  }

  async platformSeries(query: PlatformUsageQuery, now = new Date()): Promise<PlatformUsageSeriesResponse> {
    const { range, groupBy, rows } = await this.platformRows(query, now);
    return {
      items: rows.map((row) => toItem(row, groupBy)),
      nextCursor: null,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      granularity: range.granularity,
      groupBy,
    };
  }

  async platformCsv(query: PlatformUsageQuery, now = new Date()): Promise<CsvFile> {
    const { range, groupBy, rows } = await this.platformRows(query, now);
    return { filename: filenameOf('all-tenants', range), body: csvOf(rows, groupBy) };
  }

  private async tenantRows(tenantId: TenantId, query: TenantUsageQuery, now: Date) {
    const range = resolveUsageRange(query, now);
    const groupBy = query.groupBy ?? null;
    // Platform admins pass the access guard for any tenant id, existing or not.
    if (!(await this.tenants.findById(tenantId))) throw ApiError.notFound('Tenant');
    const rows = await this.reports.seriesForTenant(tenantId, range, granularityOf(range.granularity), groupBy);
    return { range, groupBy, rows };
  }

  private async platformRows(query: PlatformUsageQuery, now: Date) {
    const range = resolveUsageRange(query, now);
    const groupBy = query.groupBy ?? null;
    const rows = await this.reports.seriesForPlatform(range, granularityOf(range.granularity), groupBy);
    return { range, groupBy, rows };
  }
}

const granularityOf = (granularity: 'hour' | 'day') => (granularity === 'hour' ? 'HOUR' : 'DAY');
