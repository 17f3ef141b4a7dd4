import { type CallPosition, type DbExecutor, type SiemExportRepository } from '@gatehouse/db';
import { auditRecord, callRecords, type SiemRecord } from './siem-records';

/** The streams a sink can be sent (`SIEM_STREAMS`). */
export type SiemStreamName = 'audit' | 'calls';

/** A batch read after a position: its records, where it ends, and when its oldest entry happened (for the lag). */
export interface SiemBatch {
  /** Entries read (a call may make several records: itself and its policy decisions). */
  entries: number;
  records: SiemRecord[];
  /** The position after the batch, as the cursor stores it; null when the batch is empty. */
  position: string | null;
  oldest: Date | null;
}

/** One exported stream: what it reads after a stored position. */
export interface SiemStream {
  readonly name: SiemStreamName;
  read(db: DbExecutor, position: string | null, limit: number): Promise<SiemBatch>;
}

/** The audit trail, in `seq` order; the position is the last exported `seq`. */
export class AuditStream implements SiemStream {
  readonly name = 'audit';

  constructor(private readonly repository: SiemExportRepository) {}

  async read(db: DbExecutor, position: string | null, limit: number): Promise<SiemBatch> {
    const events = await this.repository.auditEventsAfter(db, position === null ? null : BigInt(position), limit);
    const last = events.at(-1);
    return {
      entries: events.length,
      records: events.map(auditRecord),
      position: last === undefined ? null : last.seq.toString(),
      oldest: events[0]?.createdAt ?? null,
    };
  }
}

/**
 * Recorded calls and their policy decisions, in the order they were ingested; the position is the last exported
 * row's `<ingesting transaction>:<id>`. `oldest` is the earliest call time in the batch: a late event makes the lag
 * look larger than the export's own delay, which is what a SIEM waiting for it sees.
 */
export class CallsStream implements SiemStream {
  readonly name = 'calls';

  constructor(private readonly repository: SiemExportRepository) {}

  async read(db: DbExecutor, position: string | null, limit: number): Promise<SiemBatch> {
    const calls = await this.repository.callsAfter(db, parseCallPosition(position), limit);
    const last = calls.at(-1);
    let oldest: Date | null = null;
    for (const call of calls) if (oldest === null || call.createdAt < oldest) oldest = call.createdAt;
    return {
      entries: calls.length,
      records: calls.flatMap(callRecords),
      position: last === undefined ? null : `${last.ingestXid}:${last.id}`,
      oldest,
    };
  }
}

export function siemStream(name: SiemStreamName, repository: SiemExportRepository): SiemStream {
  return name === 'audit' ? new AuditStream(repository) : new CallsStream(repository);
}

function parseCallPosition(position: string | null): CallPosition | null {
  if (position === null) return null;
  const match = /^(\d+):([0-9a-f-]{36})$/.exec(position);
  if (match === null) throw new Error(`The calls stream's cursor is not "<xid>:<uuid>": ${position.slice(0, 80)}`);
  return { xid: BigInt(match[1] as string), id: match[2] as string };
}
