import { type DynamicModule, Global, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { PRISMA_CLIENT, PRISMA_READ_CLIENT } from './db.constants';
import { PostgresHealthProbe } from './postgres-health.probe';
import { createPrismaClient, type DbClient } from './prisma-client';
import { ApiKeyRepository } from './repositories/api-key.repository';
import { CatalogRepository } from './repositories/catalog.repository';
import { SubscriptionRepository } from './repositories/subscription.repository';
import { TenantRepository } from './repositories/tenant.repository';
import { TransactionRunner } from './transaction-runner';

export interface DbModuleOptions {
  url: string;
  /** A replica for dashboard reads; when absent or equal to `url`, reads share the primary's client. */
  readUrl?: string;
  applicationName?: string;
  maxConnections?: number;
}

/** Closes the pools on shutdown, so a stopping app does not hold connections until Postgres times them out. */
export class DbLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly primary: DbClient,
    private readonly replica: DbClient,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    const clients = this.replica === this.primary ? [this.primary] : [this.primary, this.replica];
    await Promise.all(clients.map((client) => client.$disconnect()));
  }
}

/**
 * Repositories, the probe and the lifecycle are plain classes built by factories, not `@Injectable()`s with
 * `@Inject()` parameters: they stay usable outside Nest (seed, scripts under tsx, tests) with `new X(client)`.
 */
const onPrimary = (token: new (db: DbClient) => object): Provider => ({
  provide: token,
  useFactory: (db: DbClient) => new token(db),
  inject: [PRISMA_CLIENT],
});

/**
 * Provides a repository (or any class built from the primary client) to a feature module:
 * `providers: [provideOnPrimary(UserRepository)]`. Feature modules register the repositories they use,
 * so that adding one does not touch this module.
 */
export const provideOnPrimary = onPrimary;

const REPOSITORIES = [TenantRepository, ApiKeyRepository, SubscriptionRepository, CatalogRepository];

/** Postgres for a Nest app: the Prisma clients, the repositories and the health probe, available everywhere. */
@Global()
@Module({})
export class DbModule {
  static forRoot(options: DbModuleOptions): DynamicModule {
    const clientOptions = { applicationName: options.applicationName, maxConnections: options.maxConnections };
    return {
      module: DbModule,
      providers: [
        { provide: PRISMA_CLIENT, useFactory: () => createPrismaClient({ ...clientOptions, url: options.url }) },
        {
          provide: PRISMA_READ_CLIENT,
          useFactory: (primary: DbClient) =>
            !options.readUrl || options.readUrl === options.url
              ? primary
              : createPrismaClient({ ...clientOptions, url: options.readUrl }),
          inject: [PRISMA_CLIENT],
        },
        {
          provide: DbLifecycle,
          useFactory: (primary: DbClient, replica: DbClient) => new DbLifecycle(primary, replica),
          inject: [PRISMA_CLIENT, PRISMA_READ_CLIENT],
        },
        onPrimary(PostgresHealthProbe),
        onPrimary(TransactionRunner),
        ...REPOSITORIES.map(onPrimary),
      ],
      exports: [PRISMA_CLIENT, PRISMA_READ_CLIENT, PostgresHealthProbe, TransactionRunner, ...REPOSITORIES],
    };
  }
}
