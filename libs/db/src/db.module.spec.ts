import { type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PRISMA_CLIENT, PRISMA_READ_CLIENT } from './db.constants';
import { DbModule } from './db.module';
import { PostgresHealthProbe } from './postgres-health.probe';
import { type DbClient } from './prisma-client';
import { ApiKeyRepository } from './repositories/api-key.repository';
import { CatalogRepository } from './repositories/catalog.repository';
import { SubscriptionRepository } from './repositories/subscription.repository';
import { TenantRepository } from './repositories/tenant.repository';

// Prisma connects lazily, so wiring can be checked without a server: nothing here sends a query.
const URL_A = 'postgresql://nobody@127.0.0.1:1/primary';
const URL_B = 'postgresql://nobody@127.0.0.1:1/replica';

async function boot(options: { url: string; readUrl?: string }): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(DbModule.forRoot(options), { logger: false });
}

describe('DbModule', () => {
  it('provides the repositories and the health probe on the primary client', async () => {
    const app = await boot({ url: URL_A });
    for (const token of [TenantRepository, ApiKeyRepository, SubscriptionRepository, CatalogRepository]) {
      expect(app.get(token)).toBeInstanceOf(token);
    }
    expect(app.get(PostgresHealthProbe).name).toBe('postgres');
    expect(app.get(PRISMA_READ_CLIENT)).toBe(app.get(PRISMA_CLIENT));
    await app.close();
  });

  it('gives dashboard reads their own client when a replica URL is set, and closes both on shutdown', async () => {
    const app = await boot({ url: URL_A, readUrl: URL_B });
    const primary = app.get<DbClient>(PRISMA_CLIENT);
    const replica = app.get<DbClient>(PRISMA_READ_CLIENT);
    expect(replica).not.toBe(primary);
    const closed: string[] = [];
    jest.spyOn(primary, '$disconnect').mockImplementation(async () => void closed.push('primary'));
    jest.spyOn(replica, '$disconnect').mockImplementation(async () => void closed.push('replica'));
    await app.close();
    expect(closed.sort()).toEqual(['primary', 'replica']);
  });
});
