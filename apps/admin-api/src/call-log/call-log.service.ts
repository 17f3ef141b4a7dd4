import { Inject, Injectable } from '@nestjs/common';
import { type AdminApiConfig } from '@gatehouse/config';
import {
  type CallLogBodiesResponse,
  type CallLogDetailResponse,
  type CallLogItemResponse,
  decodeCallLogCursor,
  DEFAULT_CALL_LOG_PAGE_SIZE,
  DEFAULT_CALL_LOG_RANGE_HOURS,
  encodeCallLogCursor,
  MAX_CALL_LOG_RANGE_DAYS,
  type PlatformCallLogQuery,
  type PlatformCallLogResponse,
  type TenantCallLogQuery,
  type TenantCallLogResponse,
  type TenantId,
} from '@gatehouse/contracts';
import {
  type CallLogDetailRow,
  type CallLogFilter,
  type CallLogPage,
  CallLogRepository,
  type CallLogRow,
  type StoredBodiesRow,
} from '@gatehouse/db';
import {
  type CallLogBodySide,
  CallLogBodyDecryptionError,
  callLogKeyring,
  type CallLogKeyring,
  decryptCallLogBody,
} from '@gatehouse/domain';
import { ADMIN_API_CONFIG } from '../admin-api.constants';
import { ApiError } from '../common/errors/api-error';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Longer than any request id the gateway issues or accepts: such a lookup cannot match, so it is a plain 404. */
const MAX_REQUEST_ID_LENGTH = 200;

/**
 * The gateway's calls one by one, from the usage events: a tenant's own, or every tenant's for platform admins. A
 * call's detail carries its stored bodies, decrypted here with the call log key of their version.
 */
@Injectable()
export class CallLogService {
  private readonly keys: CallLogKeyring;

  constructor(
    private readonly calls: CallLogRepository,
    @Inject(ADMIN_API_CONFIG) config: AdminApiConfig,
  ) {
    this.keys = callLogKeyring(config.callLogKeys.current, config.callLogKeys.previous);
  }

  async listForTenant(tenantId: TenantId, query: TenantCallLogQuery, now = new Date()): Promise<TenantCallLogResponse> {
    const filter = toFilter(query, now);
    return pageOf(filter, await this.calls.listForTenant(tenantId, filter), toItem);
  }

  async listForPlatform(query: PlatformCallLogQuery, now = new Date()): Promise<PlatformCallLogResponse> {
    const filter = toFilter(query, now);
    const page = await this.calls.listForPlatform({ ...filter, tenantId: query.tenantId });
    return pageOf(filter, page, (row) => ({ ...toItem(row), tenantId: row.tenantId }));
  }

  /** 404 for an unknown request id and for another tenant's, alike: a tenant cannot tell the two apart. */
  async findForTenant(tenantId: TenantId, requestId: string): Promise<CallLogDetailResponse> {
    return this.detailOf(
      requestId.length > MAX_REQUEST_ID_LENGTH ? null : await this.calls.findForTenant(tenantId, requestId),
    );
  }

  async findForPlatform(requestId: string): Promise<CallLogDetailResponse> {
    return this.detailOf(requestId.length > MAX_REQUEST_ID_LENGTH ? null : await this.calls.findForPlatform(requestId));
  }

  private detailOf(row: CallLogDetailRow | null): CallLogDetailResponse {
    if (row === null) throw ApiError.notFound('Call');
    return { ...detailOf(row), bodies: row.bodies === null ? null : this.bodiesOf(row.requestId, row.bodies) };
  }

  /** The stored bodies in clear; bodies no configured key opens are reported as such, never as a server error. */
  private bodiesOf(requestId: string, stored: StoredBodiesRow): CallLogBodiesResponse {
    const { requestTruncated, responseTruncated } = stored;
    const open = (side: CallLogBodySide) => {
      const body = stored[side];
      return body === null
        ? null
        : decryptCallLogBody({ ...body, keyVersion: stored.keyVersion }, this.keys, requestId, side);
    };
    try {
      return {
        request: open('request'),
        response: open('response'),
        requestTruncated,
        responseTruncated,
        decryptionError: null,
      };
    } catch (error) {
      if (!(error instanceof CallLogBodyDecryptionError)) throw error;
      return { request: null, response: null, requestTruncated, responseTruncated, decryptionError: error.message };
    }
  }
}

/**
 * The query as a repository filter, the window's defaults applied: `to` now, `from` a day before `to`. The window
 * is bounded so that a query reads a bounded range of the (tenant_id, created_at) index, however many calls a
 * tenant makes.
 */
function toFilter(query: TenantCallLogQuery, now: Date): CallLogFilter {
  const to = query.to === undefined ? now : new Date(query.to);
  const from =
    query.from === undefined ? new Date(to.getTime() - DEFAULT_CALL_LOG_RANGE_HOURS * HOUR_MS) : new Date(query.from);
  if (from.getTime() >= to.getTime()) {
    throw ApiError.badRequest('invalid_time_range', '`from` must be before `to`.', {
      from: from.toISOString(),
      to: to.toISOString(),
    });
  }
  if (to.getTime() - from.getTime() > MAX_CALL_LOG_RANGE_DAYS * DAY_MS) {
    throw ApiError.badRequest(
      'time_range_too_large',
      `The call log reads at most ${MAX_CALL_LOG_RANGE_DAYS} days at a time: narrow \`from\`/\`to\`.`,
      { maxDays: MAX_CALL_LOG_RANGE_DAYS },
    );
  }
  return {
    from,
    to,
    model: query.model,
    status: query.status === undefined ? undefined : statusRange(query.status),
    errorCode: query.errorCode,
    apiKeyId: query.keyId,
    decision: query.decision,
    // The query schema has checked the cursor, so it decodes.
    after: query.cursor === undefined ? undefined : (decodeCallLogCursor(query.cursor) ?? undefined),
    limit: query.limit ?? DEFAULT_CALL_LOG_PAGE_SIZE,
  };
}

/** `4xx` → 400..499; `403` → 403..403. */
function statusRange(status: string): { min: number; max: number } {
  if (status.endsWith('xx')) {
    const min = Number(status[0]) * 100;
    return { min, max: min + 99 };
  }
  const code = Number(status);
  return { min: code, max: code };
}

function pageOf<Item>(filter: CallLogFilter, page: CallLogPage, map: (row: CallLogRow) => Item) {
  return {
    items: page.rows.map(map),
    from: filter.from.toISOString(),
    to: filter.to.toISOString(),
    nextCursor: page.next === null ? null : encodeCallLogCursor(page.next),
  };
}

function toItem(row: CallLogRow): CallLogItemResponse {
  return {
    requestId: row.requestId,
    at: row.createdAt.toISOString(),
    keyId: row.apiKeyId,
    model: row.model,
    status: row.statusCode,
    errorCode: row.errorCode,
    latencyMs: row.latencyMs,
    ttftMs: timeToFirstToken(row),
    ttfbMs: row.timeToFirstByteMs,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    costUsd: Number(row.costUsd),
    cache: row.cacheHit ? 'hit' : 'miss',
    policy: row.policyActions,
  };
}

function detailOf(row: CallLogDetailRow): Omit<CallLogDetailResponse, 'bodies'> {
  return {
    ...toItem(row),
    tenantId: row.tenantId,
    endpoint: row.endpoint,
    productId: row.productId,
    productSlug: row.productSlug,
    providerId: row.providerId,
    providerName: row.providerName,
    upstreamModel: row.upstreamModel,
    cachedTokens: row.cachedTokens,
    streamed: row.streamed,
    usageSource: row.usageSource,
    keyName: row.keyName,
    keyPrefix: row.keyPrefix,
  };
}

/**
 * A stream's first token as the gateway saw it; a whole answer arrives at once, so its first token came with the
 * upstream's response. A stream recorded before the gateway measured first tokens has none.
 */
function timeToFirstToken(row: CallLogRow): number | null {
  return row.timeToFirstTokenMs ?? (row.streamed ? null : row.timeToFirstByteMs);
}
