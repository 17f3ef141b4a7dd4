import { type AuditEvent } from '../generated/prisma/client';
import { type DbClient, type DbExecutor } from '../prisma-client';

/** How long one export pass may hold its sink's lock: a batch read, one send (with its timeouts), a cursor write. */
const EXPORT_PASS_TIMEOUT_MS = 60_000;

/**
 * What the SIEM exporters read and where they keep their place: audit events in `seq` order after a cursor, and one
 * cursor per sink and stream. Audit appends are serialised by the chain lock, so events become visible in `seq`
 * order and an event can never appear behind a cursor that has passed it.
 */
export class SiemExportRepository {
  constructor(private readonly db: DbClient) {}

  /**
   * Runs `pass` in a transaction holding the sink's advisory lock, so that one worker replica at a time exports to
   * a sink; resolves with null, without running it, when another replica holds the lock. The lock goes with the
   * transaction, also when the process dies mid-pass.
   */
  async withSinkLock<T>(sink: string, pass: (tx: DbExecutor) => Promise<T>): Promise<T | null> {
    return this.db.$transaction(
      async (tx) => {
        const [{ locked }] = await tx.$queryRaw<[{ locked: boolean }]>`
          SELECT pg_try_advisory_xact_lock(hashtextextended(${`siem-export:${sink}`}, 0)) AS locked`;
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
}
