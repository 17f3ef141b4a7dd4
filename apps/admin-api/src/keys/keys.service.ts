import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type ApiKeyListQuery,
  type ApiKeyListResponse,
  type ApiKeyModeName,
  type ApiKeyResponse,
  type CreateApiKeyRequest,
  type CreatedApiKeyResponse,
  type InvalidationMessage,
  type KeyLimitsInput,
  type KeyMetadata,
  LIMIT_NAMES,
  type Limits,
  readKeyMetadata,
  readNarrowingLimits,
  type RotateApiKeyRequest,
  type RotatedApiKeyResponse,
  type TenantId,
  type UpdateApiKeyRequest,
} from '@gatehouse/contracts';
import {
  type ApiKeyListItem,
  type ApiKeyMode,
  type ApiKeyRecord,
  ApiKeyRepository,
  ForeignSubscriptionError,
  TransactionRunner,
} from '@gatehouse/db';
import { decimalToString, generateApiKey } from '@gatehouse/domain';
import { InvalidationPublisher } from '@gatehouse/redis';
import { AuditService } from '../audit/audit.service';
import { type AdminApiConfig } from '@gatehouse/config';
import { ADMIN_API_CONFIG } from '../admin-api.constants';
import { type Actor } from '../auth/authenticated-user';
import { CreationThrottle } from '../auth/throttle/creation-throttle';
import { ApiError } from '../common/errors/api-error';

const MODE_BY_NAME: Record<ApiKeyModeName, ApiKeyMode> = { live: 'LIVE', test: 'TEST' };
const NAME_BY_MODE: Record<ApiKeyMode, ApiKeyModeName> = { LIVE: 'live', TEST: 'test' };

/** A tenant's API keys. Secrets are generated here, returned once, and only their sha256 is stored. */
@Injectable()
export class KeysService {
  private readonly logger = new Logger(KeysService.name);

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly invalidations: InvalidationPublisher,
    private readonly throttle: CreationThrottle,
    @Inject(ADMIN_API_CONFIG) private readonly config: AdminApiConfig,
  ) {}

  async list(tenantId: TenantId, query: ApiKeyListQuery, now: Date = new Date()): Promise<ApiKeyListResponse> {
    const page = await this.keys.listForTenant(tenantId, query);
    return { items: page.items.map((key) => toApiKeyResponse(key, now)), nextCursor: page.nextCursor };
  }

  async create(
    tenantId: TenantId,
    actor: Actor,
    request: CreateApiKeyRequest,
    now: Date = new Date(),
  ): Promise<CreatedApiKeyResponse> {
    await this.throttle.keyCreation(tenantId);
    const generated = generateApiKey(request.mode);
    const subscriptionIds = [...new Set(request.subscriptionIds ?? [])];
    const limits = keyLimitsToStore(request.limits);
    const metadata = keyMetadataToStore(request.metadata);
    const key = await this.transactions
      .run(async (tx) => {
        const keys = new ApiKeyRepository(tx);
        // Counted under the tenant's key lock, so concurrent creations cannot overshoot the cap.
        const live = await keys.lockTenantKeysAndCountLive(tenantId, now);
        const cap = this.config.maxLiveKeysPerTenant;
        if (live >= cap) {
          throw new ApiError(
            429,
            'api_key_limit_reached',
            `This tenant has ${live} live API keys, the most it may hold (${cap}); revoke a key to create another.`,
          );
        }
        const created = await keys.create(tenantId, {
          name: request.name,
          prefix: generated.prefix,
          hash: generated.hash,
          last4: generated.last4,
          mode: MODE_BY_NAME[request.mode],
          expiresAt: request.expiresAt ? new Date(request.expiresAt) : null,
          createdById: actor.userId,
          limits,
          metadata,
          subscriptionIds,
        });
        await this.audit.record(tx, {
          actor,
          action: 'api_key.create',
          targetType: 'api_key',
          targetId: created.id,
          tenantId,
          after: auditSnapshot(created, subscriptionIds),
        });
        return created;
      })
      .catch((error: unknown) => {
        if (error instanceof ForeignSubscriptionError) throw foreignSubscriptions(request.subscriptionIds ?? [], error);
        throw error;
      });
    // A gateway may hold a negative-cache entry for this hash (someone tried the key before it existed).
    await this.announce({ kind: 'api-key', tenantId, apiKeyId: key.id, hashes: [generated.hash] });
    return {
      id: key.id,
      name: key.name,
      prefix: key.prefix,
      secret: generated.key,
      expiresAt: key.expiresAt?.toISOString() ?? null,
    };
  }

  /**
   * Replaces a key's metadata labels. Gateways drop the key's snapshot (both secrets during a rotation's grace), so
   * the policies' `access.keyMetadata` rules see the new labels within a second. The same labels again change
   * nothing: no audit event, no announcement.
   */
  async update(
    tenantId: TenantId,
    actor: Actor,
    keyId: string,
    request: UpdateApiKeyRequest,
    now: Date = new Date(),
  ): Promise<ApiKeyResponse> {
    const metadata = keyMetadataToStore(request.metadata);
    const { key, hashes } = await this.transactions.run(async (tx) => {
      const keys = new ApiKeyRepository(tx);
      const locked = await keys.lockForChange(tenantId, keyId);
      const before = locked && (await keys.findListItemForTenant(tenantId, locked.id));
      if (!locked || !before) throw ApiError.notFound('API key');
      if (locked.status === 'REVOKED') throw ApiError.conflict('api_key_revoked', 'A revoked key cannot be changed.');
      const previous = readKeyMetadata(before.metadata);
      if (sameLabels(previous, metadata)) return { key: before, hashes: null };
      await keys.updateMetadata(tenantId, locked.id, metadata);
      await this.audit.record(tx, {
        actor,
        action: 'api_key.update',
        targetType: 'api_key',
        targetId: locked.id,
        tenantId,
        before: { metadata: previous },
        after: { metadata },
      });
      const hashes = [locked.hash, locked.previousHash].filter((hash): hash is string => hash !== null);
      return { key: { ...before, metadata }, hashes };
    });
    if (hashes !== null) await this.announce({ kind: 'api-key', tenantId, apiKeyId: key.id, hashes });
    return toApiKeyResponse(key, now);
  }

  async rotate(
    tenantId: TenantId,
    actor: Actor,
    keyId: string,
    request: RotateApiKeyRequest,
    now: Date = new Date(),
  ): Promise<RotatedApiKeyResponse> {
    const previousSecretValidUntil = new Date(now.getTime() + request.gracePeriodSeconds * 1000);
    const { key, generated, replacedHashes } = await this.transactions.run(async (tx) => {
      const keys = new ApiKeyRepository(tx);
      const locked = await keys.lockForChange(tenantId, keyId);
      const before = locked && (await keys.findForTenant(tenantId, locked.id));
      if (!locked || !before) throw ApiError.notFound('API key');
      if (locked.status === 'REVOKED') throw ApiError.conflict('api_key_revoked', 'A revoked key cannot be rotated.');
      if (locked.expiresAt && locked.expiresAt <= now) {
        throw ApiError.conflict('api_key_expired', 'An expired key cannot be rotated; create a new one.');
      }
      const generated = generateApiKey(NAME_BY_MODE[before.mode]);
      await keys.rotate(tenantId, locked.id, {
        hash: generated.hash,
        prefix: generated.prefix,
        last4: generated.last4,
        previousHashExpiresAt: previousSecretValidUntil,
      });
      const after = { ...before, prefix: generated.prefix, last4: generated.last4 };
      await this.audit.record(tx, {
        actor,
        action: 'api_key.rotate',
        targetType: 'api_key',
        targetId: locked.id,
        tenantId,
        before: { prefix: before.prefix, last4: before.last4, rotatedAt: before.rotatedAt },
        after: { prefix: after.prefix, last4: after.last4, previousSecretValidUntil, rotatedAt: now },
      });
      // A second rotation within a grace period ends the first one's old secret at once: drop it as well.
      const replacedHashes = [locked.previousHash, locked.hash].filter((hash): hash is string => hash !== null);
      return { key: after, generated, replacedHashes };
    });
    await this.announce({
      kind: 'api-key',
      tenantId,
      apiKeyId: key.id,
      hashes: [...replacedHashes, generated.hash],
    });
    return {
      id: key.id,
      name: key.name,
      prefix: key.prefix,
      secret: generated.key,
      expiresAt: key.expiresAt?.toISOString() ?? null,
      previousSecretValidUntil: previousSecretValidUntil.toISOString(),
    };
  }

  /** Revoking a revoked key is a no-op (DELETE is idempotent): no second audit event, no announcement. */
  async revoke(tenantId: TenantId, actor: Actor, keyId: string, now: Date = new Date()): Promise<void> {
    const revoked = await this.transactions.run(async (tx) => {
      const keys = new ApiKeyRepository(tx);
      const locked = await keys.lockForChange(tenantId, keyId);
      if (!locked) throw ApiError.notFound('API key');
      if (locked.status === 'REVOKED') return null;
      await keys.revoke(tenantId, locked.id, now);
      await this.audit.record(tx, {
        actor,
        action: 'api_key.revoke',
        targetType: 'api_key',
        targetId: locked.id,
        tenantId,
        before: { status: 'ACTIVE' },
        after: { status: 'REVOKED', revokedAt: now },
      });
      return locked;
    });
    if (revoked === null) return;
    await this.announce({
      kind: 'api-key',
      tenantId,
      apiKeyId: revoked.id,
      hashes: [revoked.hash, revoked.previousHash].filter((hash): hash is string => hash !== null),
    });
  }

  /**
   * After commit, so a gateway that reloads finds the new state. The write has happened either way, so a Redis
   * failure is logged, not returned: gateways then converge within their key-cache TTL.
   */
  private async announce(message: InvalidationMessage): Promise<void> {
    try {
      await this.invalidations.publish(message);
    } catch (error) {
      this.logger.error(`Invalidation of ${message.kind} not published: ${String(error)}`);
    }
  }
}

/** The list/detail shape of a key. EXPIRED is derived: an ACTIVE key past its expiry. */
export function toApiKeyResponse(key: ApiKeyListItem, now: Date): ApiKeyResponse {
  const expired = key.status === 'ACTIVE' && key.expiresAt !== null && key.expiresAt <= now;
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    last4: key.last4,
    mode: NAME_BY_MODE[key.mode],
    status: expired ? 'EXPIRED' : key.status,
    createdBy: key.createdBy ? { id: key.createdBy.id, name: key.createdBy.name, email: key.createdBy.email } : null,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    subscriptionIds: key.subscriptionIds,
    limits: readNarrowingLimits(key.limits),
    metadata: readKeyMetadata(key.metadata),
  };
}

/** What the audit trail keeps of a key: never the secret or its hashes. */
function auditSnapshot(key: ApiKeyRecord, subscriptionIds: string[]) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    last4: key.last4,
    mode: key.mode,
    status: key.status,
    expiresAt: key.expiresAt,
    subscriptionIds,
    limits: readNarrowingLimits(key.limits),
    metadata: readKeyMetadata(key.metadata),
  };
}

/** The labels as stored: by name, so that equal sets compare (and audit) alike. */
export function keyMetadataToStore(input: KeyMetadata | undefined): KeyMetadata {
  return readKeyMetadata(input ?? {});
}

function sameLabels(a: KeyMetadata, b: KeyMetadata): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The narrowing as stored: only the names it narrows (null = not narrowed, so left out), the budget in its
 * canonical form (`12.50` → `12.5`), models once each; null when it narrows nothing.
 */
export function keyLimitsToStore(input: KeyLimitsInput | null | undefined): Limits | null {
  if (!input) return null;
  const stored: Record<string, unknown> = {};
  for (const name of LIMIT_NAMES) {
    const value = input[name];
    if (value === undefined || value === null) continue;
    if (name === 'monthlyBudgetUsd') stored[name] = decimalToString(value as string);
    else if (name === 'allowedModels') stored[name] = [...new Set(value as string[])];
    else stored[name] = value;
  }
  return Object.keys(stored).length === 0 ? null : (stored as Limits);
}

function foreignSubscriptions(requested: string[], error: ForeignSubscriptionError): ApiError {
  return ApiError.badRequest(
    'validation_failed',
    'The request is not valid: see details for each field.',
    error.subscriptionIds.map((id) => ({
      field: `subscriptionIds.${requested.indexOf(id)}`,
      reason: 'no such subscription in this tenant',
    })),
  );
}
