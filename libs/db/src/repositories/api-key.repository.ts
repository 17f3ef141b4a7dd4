import { type TenantId } from '@gatehouse/contracts';
import { type ApiKey, type ApiKeyMode, type ApiKeyStatus, Prisma } from '../generated/prisma/client';
import { type Page, type PageRequest, pageArgs, toPage } from '../pagination';
import { type DbExecutor } from '../prisma-client';
import { isUuid } from '../uuid';

/** An API key as the rest of the platform sees it: every column but the hashes. */
export type ApiKeyRecord = Omit<ApiKey, 'hash' | 'previousHash'>;

/** What the gateway caches per key: the key and the subscriptions it is scoped to (empty = all of its tenant's). */
export type ApiKeySnapshot = ApiKeyRecord & { subscriptionIds: string[] };

/** A key as its tenant's list shows it: who created it and the subscriptions it is scoped to. */
export type ApiKeyListItem = ApiKeyRecord & {
  createdBy: { id: string; name: string; email: string } | null;
  subscriptionIds: string[];
};

/**
 * The secret-bearing state of a key, read under a row lock by a write that changes it (rotation, revocation):
 * the hashes it replaces are what the gateway must drop from its caches.
 */
export interface LockedApiKey {
  id: string;
  status: ApiKeyStatus;
  hash: string;
  previousHash: string | null;
  previousHashExpiresAt: Date | null;
  expiresAt: Date | null;
}

export interface CreateApiKeyData {
  name: string;
  prefix: string;
  /** sha256 hex of the full secret; the secret itself is never stored. */
  hash: string;
  last4: string;
  mode: ApiKeyMode;
  expiresAt?: Date | null;
  createdById?: string | null;
  limits?: Prisma.InputJsonValue | null;
  /** Metadata labels, `{ name: value }`; absent: none. */
  metadata?: Record<string, string>;
  /** Scope the key to these subscriptions, which must belong to the same tenant. */
  subscriptionIds?: string[];
}

export interface RotateApiKeyData {
  hash: string;
  prefix: string;
  last4: string;
  /** Until when the old secret keeps working. */
  previousHashExpiresAt: Date;
}

/** Raised when a key would be scoped to a subscription of another tenant (or one that does not exist). */
export class ForeignSubscriptionError extends Error {
  constructor(readonly subscriptionIds: string[]) {
    super(`Subscriptions not found for this tenant: ${subscriptionIds.join(', ')}`);
    this.name = 'ForeignSubscriptionError';
  }
}

/** What a list item reads besides the key's columns: its creator and its scope, never its hashes. */
const LIST_ITEM = {
  include: {
    createdBy: { select: { id: true, name: true, email: true } },
    subscriptions: { select: { subscriptionId: true }, orderBy: { createdAt: 'asc' } },
  },
  omit: { hash: true, previousHash: true },
} satisfies Pick<Prisma.ApiKeyFindManyArgs, 'include' | 'omit'>;

function toListItem({
  subscriptions,
  ...key
}: ApiKeyRecord & Pick<ApiKeyListItem, 'createdBy'> & { subscriptions: { subscriptionId: string }[] }): ApiKeyListItem {
  return { ...key, subscriptionIds: subscriptions.map((scope) => scope.subscriptionId) };
}

/**
 * Built on the client or on a transaction (`new ApiKeyRepository(tx)`), so that a key change and its audit
 * event commit together.
 */
export class ApiKeyRepository {
  constructor(private readonly db: DbExecutor) {}

  /**
   * The gateway's key lookup, and the one tenant-unscoped read here: a request carries only its secret, and
   * the key row is what tells us the tenant. Matches the current hash, or the previous one during a rotation's
   * grace period. Returns revoked and expired keys too; the caller decides (and caches the refusal).
   */
  async findByHash(hash: string, now: Date = new Date()): Promise<ApiKeySnapshot | null> {
    const key = await this.db.apiKey.findFirst({
      where: { OR: [{ hash }, { previousHash: hash, previousHashExpiresAt: { gt: now } }] },
      include: { subscriptions: { select: { subscriptionId: true } } },
    });
    if (key === null) return null;
    const { subscriptions, ...record } = key;
    return { ...record, subscriptionIds: subscriptions.map((scope) => scope.subscriptionId) };
  }

  async listForTenant(tenantId: TenantId, page: PageRequest = {}): Promise<Page<ApiKeyListItem>> {
    const rows = await this.db.apiKey.findMany({
      where: { tenantId },
      ...pageArgs(page),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      ...LIST_ITEM,
    });
    return toPage(rows.map(toListItem), page);
  }

  /** One key of this tenant in its list shape; null when there is none. */
  async findListItemForTenant(tenantId: TenantId, keyId: string): Promise<ApiKeyListItem | null> {
    if (!isUuid(keyId)) return null;
    const row = await this.db.apiKey.findFirst({ where: { id: keyId, tenantId }, ...LIST_ITEM });
    return row === null ? null : toListItem(row);
  }

  async findForTenant(tenantId: TenantId, keyId: string): Promise<ApiKeyRecord | null> {
    if (!isUuid(keyId)) return null;
    return this.db.apiKey.findFirst({ where: { id: keyId, tenantId }, omit: { hash: true, previousHash: true } });
  }

  /**
   * Reads a key's hashes and locks its row until the transaction ends, so that the hashes a rotation or a
   * revocation reports as replaced are exactly the ones it replaced. Run it inside a transaction.
   */
  async lockForChange(tenantId: TenantId, keyId: string): Promise<LockedApiKey | null> {
    if (!isUuid(keyId)) return null;
    const rows = await this.db.$queryRaw<LockedApiKey[]>`
      SELECT "id", "status", "hash", "previous_hash" AS "previousHash",
             "previous_hash_expires_at" AS "previousHashExpiresAt", "expires_at" AS "expiresAt"
      FROM "api_keys"
      WHERE "id" = ${keyId}::uuid AND "tenant_id" = ${tenantId}::uuid
      FOR UPDATE`;
    return rows[0] ?? null;
  }

  /**
   * Serialises key creation in a tenant until the transaction ends and counts its live keys (active, not
   * expired), so that a cap checked against the count holds under concurrency. Must run inside a transaction.
   */
  async lockTenantKeysAndCountLive(tenantId: TenantId, now: Date = new Date()): Promise<number> {
    await this.db.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`api-keys:${tenantId}`}, 0))`;
    return this.db.apiKey.count({
      where: { tenantId, status: 'ACTIVE', OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    });
  }

  /** The ids of the subscriptions a key is scoped to (empty = all of its tenant's). */
  async scopeForTenant(tenantId: TenantId, keyId: string): Promise<string[]> {
    if (!isUuid(keyId)) return [];
    const rows = await this.db.apiKeySubscription.findMany({
      where: { tenantId, apiKeyId: keyId },
      select: { subscriptionId: true },
    });
    return rows.map((row) => row.subscriptionId);
  }

  async create(tenantId: TenantId, data: CreateApiKeyData): Promise<ApiKeyRecord> {
    const { subscriptionIds = [], limits, ...columns } = data;
    // No transaction of its own, so that it can join the caller's: the check cannot go stale before the
    // insert, because a subscription never changes tenant and a deleted one fails the insert's foreign key.
    if (subscriptionIds.length > 0) {
      const owned = await this.db.subscription.findMany({
        where: { tenantId, id: { in: subscriptionIds.filter(isUuid) } },
        select: { id: true },
      });
      const ownedIds = new Set(owned.map((subscription) => subscription.id));
      const foreign = subscriptionIds.filter((id) => !ownedIds.has(id));
      if (foreign.length > 0) throw new ForeignSubscriptionError(foreign);
    }
    // The transaction client's type forgets the global `omit`, so leave the hashes out explicitly.
    return this.db.apiKey.create({
      data: {
        ...columns,
        tenantId,
        limits: limits === null ? Prisma.DbNull : limits,
        subscriptions: {
          create: [...new Set(subscriptionIds)].map((subscriptionId) => ({ subscriptionId, tenantId })),
        },
      },
      omit: { hash: true, previousHash: true },
    });
  }

  /** Replaces a key's metadata labels. Returns false when this tenant has no such key. */
  async updateMetadata(tenantId: TenantId, keyId: string, metadata: Record<string, string>): Promise<boolean> {
    if (!isUuid(keyId)) return false;
    const { count } = await this.db.apiKey.updateMany({ where: { id: keyId, tenantId }, data: { metadata } });
    return count === 1;
  }

  /**
   * Revokes an active key of this tenant, ending a rotation's grace period too (the previous secret stops at
   * the same moment). Returns false when there is no such active key.
   */
  async revoke(tenantId: TenantId, keyId: string, now: Date = new Date()): Promise<boolean> {
    if (!isUuid(keyId)) return false;
    const count = await this.db.$executeRaw`
      UPDATE "api_keys"
      SET "status" = 'REVOKED',
          "revoked_at" = ${now},
          "previous_hash_expires_at" = CASE WHEN "previous_hash" IS NULL THEN NULL
                                          ELSE LEAST("previous_hash_expires_at", ${now}) END,
          "updated_at" = CURRENT_TIMESTAMP
      WHERE "id" = ${keyId}::uuid AND "tenant_id" = ${tenantId}::uuid AND "status" = 'ACTIVE'`;
    return count === 1;
  }

  /**
   * Replaces the secret of an active key; the old one keeps working until `previousHashExpiresAt`. One UPDATE
   * moves the current hash into previous_hash, so two concurrent rotations cannot lose a secret silently.
   * Returns false when there is no such active key.
   */
  async rotate(tenantId: TenantId, keyId: string, data: RotateApiKeyData): Promise<boolean> {
    if (!isUuid(keyId)) return false;
    const count = await this.db.$executeRaw`
      UPDATE "api_keys"
      SET "previous_hash" = "hash",
          "previous_hash_expires_at" = ${data.previousHashExpiresAt},
          "hash" = ${data.hash},
          "prefix" = ${data.prefix},
          "last4" = ${data.last4},
          "rotated_at" = CURRENT_TIMESTAMP,
          "updated_at" = CURRENT_TIMESTAMP
      WHERE "id" = ${keyId}::uuid AND "tenant_id" = ${tenantId}::uuid AND "status" = 'ACTIVE'`;
    return count === 1;
  }
}
