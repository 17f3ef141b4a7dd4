import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, type Prisma } from './generated/prisma/client';

/**
 * Columns that never leave libs/db unless a query asks for them by name (`omit: { hash: false }`): hashes of
 * secrets and encrypted credentials. A service that maps rows to DTOs cannot leak what it never received.
 */
export const SECRET_COLUMNS = {
  user: { passwordHash: true },
  session: { tokenHash: true },
  invitation: { tokenHash: true },
  passwordResetToken: { tokenHash: true },
  apiKey: { hash: true, previousHash: true },
  provider: { credentialCiphertext: true, credentialIv: true, credentialAuthTag: true },
  alertRule: { webhookSecretCiphertext: true, webhookSecretIv: true, webhookSecretAuthTag: true },
  callLogBody: { requestCiphertext: true, responseCiphertext: true },
} as const satisfies Prisma.GlobalOmitConfig;

export interface PrismaClientOptions {
  url: string;
  /** Shown in pg_stat_activity, so an operator can tell the apps' connections apart. */
  applicationName?: string;
  /** Pool size per process; pg's default is 10. */
  maxConnections?: number;
}

/** A Prisma client on the pure-JS Postgres driver adapter (no native query engine to download; see docs/architecture.md, Migrations). */
export function createPrismaClient(options: PrismaClientOptions) {
  const adapter = new PrismaPg({
    connectionString: options.url,
    application_name: options.applicationName ?? 'gatehouse',
    max: options.maxConnections,
  });
  return new PrismaClient({ adapter, omit: SECRET_COLUMNS });
}

export type DbClient = ReturnType<typeof createPrismaClient>;

/** The client inside `$transaction(async (tx) => …)`: the same model API, without connection management. */
export type DbTransaction = Parameters<Parameters<DbClient['$transaction']>[0]>[0];

/**
 * What a repository runs its queries on: the client, or a transaction. Build a repository on a transaction
 * (`new ApiKeyRepository(tx)`) to make its writes part of a larger unit, such as a write and its audit event.
 */
export type DbExecutor = DbClient | DbTransaction;
