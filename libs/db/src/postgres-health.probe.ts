import { type DbClient } from './prisma-client';

/** Answers whether Postgres runs a query; used by `/healthz` (a HealthProbe of @gatehouse/observability). */
export class PostgresHealthProbe {
  readonly name = 'postgres';

  constructor(private readonly db: DbClient) {}

  async ping(): Promise<void> {
    await this.db.$queryRaw`SELECT 1`;
  }
}
