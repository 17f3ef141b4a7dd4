import { DEFAULT_USAGE_RANGE_DAYS, MAX_USAGE_RANGE_DAYS, type UsageGranularity } from '@gatehouse/contracts';
import { ApiError } from '../common/errors/api-error';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const BUCKET_MS: Record<UsageGranularity, number> = { hour: HOUR_MS, day: DAY_MS };

export interface UsageRangeQuery {
  from?: string;
  to?: string;
  granularity?: UsageGranularity;
}

export interface ResolvedUsageRange {
  from: Date;
  to: Date;
  granularity: UsageGranularity;
}

/**
 * The range a report covers, defaults applied: day buckets; `to` at the end of the current bucket, so the bucket
 * in progress is included; `from` the default span before `to`. Buckets whose start lies in `[from, to)` are
 * reported, so a `from` in the middle of a bucket leaves that bucket out rather than showing part of it as whole.
 * The query schema has checked both dates, calendar included (it refuses Feb 30), so `new Date` cannot fail here.
 */
export function resolveUsageRange(query: UsageRangeQuery, now: Date): ResolvedUsageRange {
  const granularity = query.granularity ?? 'day';
  const bucket = BUCKET_MS[granularity];
  const to =
    query.to === undefined ? new Date(Math.floor(now.getTime() / bucket) * bucket + bucket) : new Date(query.to);
  const from =
    query.from === undefined
      ? new Date(to.getTime() - DEFAULT_USAGE_RANGE_DAYS[granularity] * DAY_MS)
      : new Date(query.from);
  if (from.getTime() >= to.getTime()) {
    throw ApiError.badRequest('invalid_time_range', '`from` must be before `to`.', {
      from: from.toISOString(),
      to: to.toISOString(),
    });
  }
  const maxDays = MAX_USAGE_RANGE_DAYS[granularity];
  if (to.getTime() - from.getTime() > maxDays * DAY_MS) {
    throw ApiError.badRequest(
      'time_range_too_large',
      `A report in ${granularity} buckets covers at most ${maxDays} days: narrow \`from\`/\`to\`${granularity === 'hour' ? ' or use day buckets' : ''}.`,
      { granularity, maxDays },
    );
  }
  return { from, to, granularity };
}
