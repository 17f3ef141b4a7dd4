import { Inject, Injectable, Logger } from '@nestjs/common';
import { type AdminApiConfig } from '@gatehouse/config';
import {
  type CreateProviderRequest,
  type InvalidationMessage,
  type ProviderListQuery,
  type ProviderListResponse,
  type ProviderResponse,
  type ProviderTypeName,
  type UpdateProviderRequest,
} from '@gatehouse/contracts';
import {
  type EncryptedCredentialColumns,
  type ProviderRecord,
  ProviderRepository,
  type ProviderType,
  TransactionRunner,
} from '@gatehouse/db';
import { credentialKeyFromBase64, encryptCredential } from '@gatehouse/domain';
import { type HostResolver, outboundHostRefusal, STRICT_ADDRESS_POLICY } from '@gatehouse/egress';
import { InvalidationPublisher } from '@gatehouse/redis';
import { randomUUID } from 'node:crypto';
import { ADMIN_API_CONFIG, OUTBOUND_RESOLVER } from '../admin-api.constants';
import { AuditService } from '../audit/audit.service';
import { type Actor } from '../auth/authenticated-user';
import { ApiError } from '../common/errors/api-error';

const TYPE_BY_NAME: Record<ProviderTypeName, ProviderType> = {
  openai: 'OPENAI',
  anthropic: 'ANTHROPIC',
  'openai-compatible': 'OPENAI_COMPATIBLE',
  http: 'HTTP',
};
const NAME_BY_TYPE: Record<ProviderType, ProviderTypeName> = {
  OPENAI: 'openai',
  ANTHROPIC: 'anthropic',
  OPENAI_COMPATIBLE: 'openai-compatible',
  HTTP: 'http',
};

/**
 * Upstream providers. The credential is write-only: encrypted here (AES-256-GCM, associated data = provider
 * id) before it reaches the repository, and never part of a response or an audit snapshot.
 */
@Injectable()
export class ProvidersService {
  private readonly logger = new Logger(ProvidersService.name);
  private readonly credentialKey: Buffer;

  constructor(
    private readonly providers: ProviderRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly invalidations: InvalidationPublisher,
    @Inject(ADMIN_API_CONFIG) config: AdminApiConfig,
    @Inject(OUTBOUND_RESOLVER) private readonly resolver: HostResolver,
  ) {
    this.credentialKey = credentialKeyFromBase64(config.credentialEncryptionKey);
  }

  async list(query: ProviderListQuery): Promise<ProviderListResponse> {
    const page = await this.providers.list({ ...query, type: query.type ? TYPE_BY_NAME[query.type] : undefined });
    return { items: page.items.map(toProviderResponse), nextCursor: page.nextCursor };
  }

  async get(providerId: string): Promise<ProviderResponse> {
    const provider = await this.providers.findById(providerId);
    if (!provider) throw ApiError.notFound('Provider');
    return toProviderResponse(provider);
  }

  async create(actor: Actor, request: CreateProviderRequest): Promise<ProviderResponse> {
    if (!request.internal) await this.assertPublicBaseUrl(request.baseUrl);
    // The id is chosen before the insert because it is the credential's associated data.
    const id = randomUUID();
    const provider = await this.transactions.run(async (tx) => {
      const providers = new ProviderRepository(tx);
      if (await providers.findByName(request.name)) throw nameTaken(request.name);
      const created = await providers.create({
        id,
        name: request.name,
        type: TYPE_BY_NAME[request.type],
        baseUrl: request.baseUrl,
        region: request.region ?? null,
        enabled: request.enabled,
        internal: request.internal,
        credential: request.credential ? this.encrypt(request.credential, id) : null,
      });
      await this.audit.record(tx, {
        actor,
        action: 'provider.create',
        targetType: 'provider',
        targetId: created.id,
        tenantId: null,
        after: auditSnapshot(created),
      });
      return created;
    });
    await this.announce({ kind: 'provider', providerId: provider.id });
    return toProviderResponse(provider);
  }

  async update(actor: Actor, providerId: string, request: UpdateProviderRequest): Promise<ProviderResponse> {
    // Resolved before the transaction, which must not wait on DNS.
    const current = await this.providers.findById(providerId);
    if (!current) throw ApiError.notFound('Provider');
    const internal = request.internal ?? current.internal;
    if (!internal && (request.baseUrl !== undefined || request.internal === false)) {
      await this.assertPublicBaseUrl(request.baseUrl ?? current.baseUrl);
    }
    const provider = await this.transactions.run(async (tx) => {
      const providers = new ProviderRepository(tx);
      const before = await providers.findById(providerId);
      if (!before) throw ApiError.notFound('Provider');
      if (request.name !== undefined && request.name !== before.name && (await providers.findByName(request.name))) {
        throw nameTaken(request.name);
      }
      const type = request.type === undefined ? undefined : TYPE_BY_NAME[request.type];
      if (type !== undefined && type !== before.type) await assertTypeFitsUsage(providers, before.id, type);
      const updated = await providers.update(before.id, {
        name: request.name,
        type,
        baseUrl: request.baseUrl,
        region: request.region,
        enabled: request.enabled,
        internal: request.internal,
        credential:
          request.credential === undefined
            ? undefined
            : request.credential === null
              ? null
              : this.encrypt(request.credential, before.id),
      });
      await this.audit.record(tx, {
        actor,
        action: 'provider.update',
        targetType: 'provider',
        targetId: before.id,
        tenantId: null,
        before: auditSnapshot(before),
        // Says that the credential was replaced or removed, never anything about its value.
        after: { ...auditSnapshot(updated), credentialChange: credentialChange(request.credential) },
      });
      return updated;
    });
    await this.announce({ kind: 'provider', providerId: provider.id });
    return toProviderResponse(provider);
  }

  /**
   * A provider that is not internal must not reach a loopback or private network: its base URL's host may not be,
   * or resolve to, such an address (the gateway checks again at every new connection). It is reached over the
   * internet, so only over TLS: plain http is for internal providers (a model server on the private network).
   */
  private async assertPublicBaseUrl(baseUrl: string): Promise<void> {
    // The address first: for `http://10.0.0.8` "mark it internal" is the answer, not "use https".
    const refusal = await outboundHostRefusal(new URL(baseUrl), {
      policy: STRICT_ADDRESS_POLICY,
      resolver: this.resolver,
    });
    const reason =
      refusal !== null
        ? `${refusal}; a provider on a loopback or private network must be marked internal`
        : new URL(baseUrl).protocol !== 'https:'
          ? 'must use https; plain http is accepted only for a provider marked internal'
          : null;
    if (reason === null) return;
    throw ApiError.badRequest('invalid_provider_base_url', `The base URL is refused: ${reason}.`, [
      { field: 'baseUrl', reason },
    ]);
  }

  private encrypt(credential: string, providerId: string): EncryptedCredentialColumns {
    const encrypted = encryptCredential(credential, this.credentialKey, providerId);
    return { ciphertext: encrypted.ciphertext, iv: encrypted.iv, authTag: encrypted.authTag };
  }

  /** After commit; a Redis failure is logged, not returned (gateways converge within their cache TTL). */
  private async announce(message: InvalidationMessage): Promise<void> {
    try {
      await this.invalidations.publish(message);
    } catch (error) {
      this.logger.error(`Invalidation of ${message.kind} not published: ${String(error)}`);
    }
  }
}

/** A provider type change must not strand what routes through it: LLM targets need an LLM API, HTTP products HTTP. */
async function assertTypeFitsUsage(providers: ProviderRepository, id: string, type: ProviderType): Promise<void> {
  const usage = await providers.usage(id);
  if (type === 'HTTP' && usage.modelTargets > 0) {
    throw ApiError.conflict(
      'provider_in_use',
      `This provider serves ${usage.modelTargets} model target(s); it cannot become an HTTP provider.`,
    );
  }
  if (type !== 'HTTP' && usage.httpProducts > 0) {
    throw ApiError.conflict(
      'provider_in_use',
      `This provider is the upstream of ${usage.httpProducts} HTTP product(s); it must stay an HTTP provider.`,
    );
  }
}

function nameTaken(name: string): ApiError {
  return ApiError.conflict('provider_name_taken', `A provider named "${name}" already exists.`);
}

function credentialChange(credential: string | null | undefined): 'replaced' | 'removed' | 'unchanged' {
  if (credential === undefined) return 'unchanged';
  return credential === null ? 'removed' : 'replaced';
}

export function toProviderResponse(provider: ProviderRecord): ProviderResponse {
  return {
    id: provider.id,
    name: provider.name,
    type: NAME_BY_TYPE[provider.type],
    baseUrl: provider.baseUrl,
    region: provider.region,
    enabled: provider.enabled,
    internal: provider.internal,
    hasCredential: provider.hasCredential,
    createdAt: provider.createdAt.toISOString(),
    updatedAt: provider.updatedAt.toISOString(),
  };
}

/** `hasCredential` would be stripped by the audit trail's secret filter (its name ends in "credential"). */
function auditSnapshot(provider: ProviderRecord) {
  const { hasCredential, ...rest } = toProviderResponse(provider);
  return { ...rest, credentialStored: hasCredential };
}
