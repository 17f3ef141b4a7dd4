import { type DbClient, type DbTransaction } from './prisma-client';

/** Runs a unit of work in one Postgres transaction: all of it commits, or none of it does. */
export class TransactionRunner {
  constructor(private readonly db: DbClient) {}

  run<T>(work: (tx: DbTransaction) => Promise<T>, options: { timeoutMs?: number } = {}): Promise<T> {
    return this.db.$transaction(work, { timeout: options.timeoutMs ?? 10_000, maxWait: 5_000 });
  }
}
