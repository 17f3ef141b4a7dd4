import { Prisma } from '../generated/prisma/client';
import { type DbClient, type DbTransaction } from '../prisma-client';

/** A table partitioned by UTC day on `column`, with partitions `<table>_pYYYYMMDD` and `<table>_default`. */
export interface DailyPartitionedTable {
  table: string;
  /** The `timestamptz` partition key. */
  column: string;
}

/** Every table partitioned by day: the worker creates their partitions ahead and drops them past retention. */
export const DAILY_PARTITIONED_TABLES = [
  { table: 'usage_events', column: 'created_at' },
  { table: 'call_log_bodies', column: 'created_at' },
] as const satisfies readonly DailyPartitionedTable[];

export type DailyPartitionedTableName = (typeof DAILY_PARTITIONED_TABLES)[number]['table'];

/** One daily partition: its name and the UTC day it holds, `[day, day + 1 day)`. */
export interface DailyPartition {
  name: string;
  day: Date;
}

export interface PartitionStatus {
  table: DailyPartitionedTableName;
  partitions: DailyPartition[];
  /** Rows in the default partition: rows no daily partition covers. */
  defaultRows: number;
}

export interface DropResult {
  dropped: string[];
  /** Rows of the default partition older than the cutoff, deleted. */
  defaultRowsDeleted: number;
}

const DAY_MS = 86_400_000;

/** DDL on a partitioned table waits for every query on it: give up (and retry on the next run) rather than queue. */
const LOCK_TIMEOUT = '5s';

/** Moving a day's rows out of the default partition can take a while when many landed there. */
const TRANSACTION_TIMEOUT_MS = 120_000;

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * Daily partitions of the tables in DAILY_PARTITIONED_TABLES: creates the coming days' partitions ahead and drops
 * the days past retention. Both take a per-table advisory lock, so worker replicas running them at once queue, and
 * both read the partitions from pg_catalog, so they are idempotent. SQL text is built only from the constant table
 * list, partition names checked against their pattern, and timestamps formatted here: never from input.
 */
export class DailyPartitions {
  constructor(private readonly db: DbClient) {}

  /**
   * Makes sure every UTC day from today through `days` days ahead has its partition, in every table; resolves
   * with the partitions created. Rows already in the default partition for a day being created are moved into it
   * (Postgres refuses to create a partition whose range has rows in the default).
   */
  async ensureAhead(now: Date, days: number): Promise<string[]> {
    const today = utcDayStart(now);
    const wanted = Array.from({ length: days + 1 }, (_, offset) => new Date(today.getTime() + offset * DAY_MS));
    const created: string[] = [];
    for (const entry of DAILY_PARTITIONED_TABLES) {
      created.push(
        ...(await this.db.$transaction(
          async (tx) => {
            await lockTable(tx, entry.table);
            const existing = new Set((await listPartitions(tx, entry.table)).map((partition) => partition.name));
            const missing = wanted.filter((day) => !existing.has(partitionName(entry.table, day)));
            if (missing.length === 0) return [];
            await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
            // Creating a partition locks the parent exclusively anyway; taking it first stops inserts from adding
            // rows to the default partition between the check below and the partition's creation.
            await tx.$executeRawUnsafe(`LOCK TABLE ${identifier(entry.table)} IN ACCESS EXCLUSIVE MODE`);
            for (const day of missing) await createPartition(tx, entry, day);
            return missing.map((day) => partitionName(entry.table, day));
          },
          { timeout: TRANSACTION_TIMEOUT_MS, maxWait: 5_000 },
        )),
      );
    }
    return created;
  }

  /**
   * Drops the daily partitions of `table` wholly before `cutoff` (a UTC day start), and deletes the default
   * partition's rows before it.
   */
  async dropBefore(table: DailyPartitionedTableName, cutoff: Date): Promise<DropResult> {
    if (cutoff.getTime() !== utcDayStart(cutoff).getTime()) {
      throw new Error(`The partition cutoff must be a UTC day start, not ${cutoff.toISOString()}`);
    }
    const entry = tableEntry(table);
    return this.db.$transaction(
      async (tx) => {
        await lockTable(tx, table);
        const old = (await listPartitions(tx, table)).filter(
          (partition) => partition.day.getTime() + DAY_MS <= cutoff.getTime(),
        );
        await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
        for (const partition of old) await tx.$executeRawUnsafe(`DROP TABLE ${identifier(partition.name)}`);
        const defaultRowsDeleted = await tx.$executeRawUnsafe(
          `DELETE FROM ${identifier(defaultPartitionName(table))} WHERE ${identifier(entry.column)} < $1`,
          cutoff,
        );
        return { dropped: old.map((partition) => partition.name), defaultRowsDeleted };
      },
      { timeout: TRANSACTION_TIMEOUT_MS, maxWait: 5_000 },
    );
  }

  /** Every table's daily partitions, oldest first, and how many rows its default partition holds. */
  async status(): Promise<PartitionStatus[]> {
    const statuses: PartitionStatus[] = [];
    for (const entry of DAILY_PARTITIONED_TABLES) {
      const partitions = await listPartitions(this.db, entry.table);
      const [row] = await this.db.$queryRawUnsafe<{ count: bigint }[]>(
        `SELECT count(*) AS count FROM ${identifier(defaultPartitionName(entry.table))}`,
      );
      statuses.push({ table: entry.table, partitions, defaultRows: Number(row?.count ?? 0) });
    }
    return statuses;
  }
}

/** `<table>_pYYYYMMDD` of the UTC day holding `day`. */
export function partitionName(table: string, day: Date): string {
  return `${table}_p${day.toISOString().slice(0, 10).replaceAll('-', '')}`;
}

function tableEntry(table: DailyPartitionedTableName): DailyPartitionedTable {
  const entry = DAILY_PARTITIONED_TABLES.find((item) => item.table === table);
  if (!entry) throw new Error(`${table} is not partitioned by day`);
  return entry;
}

function defaultPartitionName(table: string): string {
  return `${table}_default`;
}

function utcDayStart(instant: Date): Date {
  return new Date(Math.floor(instant.getTime() / DAY_MS) * DAY_MS);
}

/** The daily partitions of `table` in pg_inherits, oldest first; others (the default, any by hand) are left out. */
async function listPartitions(db: DbClient | DbTransaction, table: string): Promise<DailyPartition[]> {
  const rows = await db.$queryRaw<{ name: string }[]>(Prisma.sql`
    SELECT child.relname::text AS name
    FROM pg_inherits i
    JOIN pg_class child ON child.oid = i.inhrelid
    WHERE i.inhparent = to_regclass(${table})
    ORDER BY child.relname
  `);
  const pattern = new RegExp(`^${table}_p(\\d{4})(\\d{2})(\\d{2})$`);
  return rows.flatMap(({ name }) => {
    const match = pattern.exec(name);
    if (!match) return [];
    const day = new Date(`${match[1]}-${match[2]}-${match[3]}T00:00:00.000Z`);
    return Number.isNaN(day.getTime()) || partitionName(table, day) !== name ? [] : [{ name, day }];
  });
}

/** Serialises partition changes of `table` across processes until the transaction ends. */
async function lockTable(tx: DbTransaction, table: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`daily-partitions:${table}`}, 0))`;
}

/**
 * Creates the partition of `day`. When the default partition holds rows of that day, they are set aside in a
 * temporary table, the partition is created, and they are inserted again (landing in it), all in the caller's
 * transaction and with every column kept, `ingest_xid` included.
 */
async function createPartition(tx: DbTransaction, entry: DailyPartitionedTable, day: Date): Promise<void> {
  const from = timestampLiteral(day);
  const to = timestampLiteral(new Date(day.getTime() + DAY_MS));
  const table = identifier(entry.table);
  const fallback = identifier(defaultPartitionName(entry.table));
  const inRange = `${identifier(entry.column)} >= ${from} AND ${identifier(entry.column)} < ${to}`;
  const create = `CREATE TABLE ${identifier(partitionName(entry.table, day))} PARTITION OF ${table} FOR VALUES FROM (${from}) TO (${to})`;
  const [pending] = await tx.$queryRawUnsafe<{ exists: boolean }[]>(
    `SELECT EXISTS (SELECT 1 FROM ${fallback} WHERE ${inRange}) AS exists`,
  );
  if (!pending?.exists) {
    await tx.$executeRawUnsafe(create);
    return;
  }
  await tx.$executeRawUnsafe(`CREATE TEMPORARY TABLE partition_rows_moving (LIKE ${table}) ON COMMIT DROP`);
  await tx.$executeRawUnsafe(
    `WITH moved AS (DELETE FROM ${fallback} WHERE ${inRange} RETURNING *) INSERT INTO partition_rows_moving SELECT * FROM moved`,
  );
  await tx.$executeRawUnsafe(create);
  await tx.$executeRawUnsafe(`INSERT INTO ${table} SELECT * FROM partition_rows_moving`);
  await tx.$executeRawUnsafe('DROP TABLE partition_rows_moving');
}

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`Not a plain identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

function timestampLiteral(instant: Date): string {
  return `'${instant.toISOString()}'::timestamptz`;
}
