import { type AuditEvent, Prisma } from '../generated/prisma/client';
import { type DbClient, type DbExecutor } from '../prisma-client';

/** A recorded call as the SIEM export reads it: the call log's fields, and its place in the export order. */
export interface ExportedCall {
  id: string;
  /** The transaction that ingested the row: with `id`, the call's position in the export order. */
  ingestXid: bigint;
  requestId: string;
  createdAt: Date;
  tenantId: string;
  apiKeyId: string | null;
  productId: string | null;
  model: string | null;
  providerId: string | null;
  upstreamModel: string | null;
  endpoint: string | null;
  statusCode: number;
  errorCode: string | null;
  latencyMs: number;
  timeToFirstByteMs: number | null;
  timeToFirstTokenMs: number | null;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  costUsd: Prisma.Decimal;
  cacheHit: boolean;
  streamed: boolean;
  /** `action:rule[@policy]` strings, as the gateway recorded them. */
  policyActions: unknown;
}

/** Where the calls stream has got to: the last exported row's ingesting transaction and id. */
export interface CallPosition {
  xid: bigint;
  id: string;
}

/** How long one export pass may hold its sink's lock: a batch read, one send (with its timeouts), a cursor write. */
const EXPORT_PASS_TIMEOUT_MS = 60_000;

/**
 * What the SIEM exporters read and where they keep their place: one cursor per sink and stream.
 * - Audit events in `seq` order: audit appends are serialised by the chain lock, so events become visible in `seq`
 *   order and an event can never appear behind a cursor that has passed it.
 * - Recorded calls in the order of the transactions that ingested them (`ingest_xid`, then `id`), read only below the
 *   oldest transaction still running: ingestion batches commit out of order, and a row of a transaction that commits
 *   late would otherwise appear behind a cursor that has passed it. Below that horizon every row is committed and
 *   final, so the cursor never skips one; the export trails ingestion by its longest transaction.
 */
export class SiemExportRepository {
  constructor(private readonly db: DbClient) {}

  /**
   * Runs `pass` in a transaction holding the advisory lock of the sink's stream, so that one worker replica at a time
   * exports a stream to a sink; resolves with null, without running it, when another replica holds the lock. The lock goes with the
   * transaction, also when the process dies mid-pass.
   */
  async withSinkLock<T>(sink: string, stream: string, pass: (tx: DbExecutor) => Promise<T>): Promise<T | null> {
    return this.db.$transaction(
      async (tx) => {
        const [{ locked }] = await tx.$queryRaw<[{ locked: boolean }]>`
          SELECT pg_try_advisory_xact_lock(hashtextextended(${`siem-export:${sink}:${stream}`}, 0)) AS locked`;
        return locked ? pass(tx) : null;
      },
      { timeout: EXPORT_PASS_TIMEOUT_MS, maxWait: 5_000 },
    );
  }

  async cursor(db: DbExecutor, sink: string, stream: string): Promise<string | null> {
    const row = await db.siemExportCursor.findUnique({ where: { sink_stream: { sink, stream } } });
    return row?.position ?? null;
  }

  async saveCursor(db: DbExecutor, sink: string, stream: string, position: string): Promise<void> {
    await db.siemExportCursor.upsert({
      where: { sink_stream: { sink, stream } },
      create: { sink, stream, position },
      update: { position },
    });
  }

  /** Up to `limit` audit events after `afterSeq` (from the first when null), oldest first. */
  auditEventsAfter(db: DbExecutor, afterSeq: bigint | null, limit: number): Promise<AuditEvent[]> {
    return db.auditEvent.findMany({
      where: afterSeq === null ? {} : { seq: { gt: afterSeq } },
      orderBy: { seq: 'asc' },
      take: limit,
    });
  }

  /**
   * Up to `limit` recorded calls after `after` (from the first when null), in export order, among those ingested by
   * transactions older than every transaction still running.
   */
  callsAfter(db: DbExecutor, after: CallPosition | null, limit: number): Promise<ExportedCall[]> {
    const [xid, id] = after === null ? [-1n, '00000000-0000-0000-0000-000000000000'] : [after.xid, after.id];
    return db.$queryRaw<ExportedCall[]>(Prisma.sql`
      SELECT id, ingest_xid AS "ingestXid", request_id AS "requestId", created_at AS "createdAt",
        tenant_id AS "tenantId", api_key_id AS "apiKeyId", product_id AS "productId", model,
        provider_id AS "providerId", upstream_model AS "upstreamModel", endpoint, status_code AS "statusCode",
        error_code AS "errorCode", latency_ms AS "latencyMs", time_to_first_byte_ms AS "timeToFirstByteMs",
        time_to_first_token_ms AS "timeToFirstTokenMs",
        input_tokens AS "inputTokens", output_tokens AS "outputTokens", cached_tokens AS "cachedTokens",
        cost_usd AS "costUsd", cache_hit AS "cacheHit", streamed, policy_actions AS "policyActions"
      FROM usage_events
      WHERE (ingest_xid, id) > (${xid}, ${id}::uuid)
        AND ingest_xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
      ORDER BY ingest_xid, id
      LIMIT ${limit}
    `);
  }
}
