import { type Provider, type ProviderType } from '../generated/prisma/client';
import { type Page, type PageRequest, pageArgs, toPage } from '../pagination';
import { type DbExecutor } from '../prisma-client';
import { isUuid } from '../uuid';

type CredentialColumn = 'credentialCiphertext' | 'credentialIv' | 'credentialAuthTag';

/** A provider as the control plane sees it: every column but the credential, and whether one is stored. */
export type ProviderRecord = Omit<Provider, CredentialColumn> & { hasCredential: boolean };

/** The three credential columns, as the credential cipher produces them. */
export interface EncryptedCredentialColumns {
  ciphertext: Uint8Array<ArrayBuffer>;
  iv: Uint8Array<ArrayBuffer>;
  authTag: Uint8Array<ArrayBuffer>;
}

/** A provider row's id and credential columns: what `decryptCredential` (libs/domain) takes. */
export type ProviderCredentialRow = Pick<Provider, 'id' | CredentialColumn>;

export interface ProviderListFilter extends PageRequest {
  type?: ProviderType;
}

export interface CreateProviderData {
  /** Chosen by the caller: the credential's associated data is the provider id, so it must exist first. */
  id: string;
  name: string;
  type: ProviderType;
  baseUrl: string;
  region: string | null;
  enabled: boolean;
  internal: boolean;
  credential: EncryptedCredentialColumns | null;
}

export interface UpdateProviderData {
  name?: string;
  type?: ProviderType;
  baseUrl?: string;
  region?: string | null;
  enabled?: boolean;
  internal?: boolean;
  /** Absent: keep; null: remove; columns: replace. */
  credential?: EncryptedCredentialColumns | null;
}

/**
 * Upstream providers: platform-wide, not tenant-owned. The credential columns never leave this class except
 * through `findCredential`, which exists for the one reader that must decrypt (the gateway).
 */
export class ProviderRepository {
  constructor(private readonly db: DbExecutor) {}

  async list(filter: ProviderListFilter = {}): Promise<Page<ProviderRecord>> {
    const rows = await this.db.provider.findMany({
      where: filter.type ? { type: filter.type } : {},
      // Only the IV is read, to say whether a credential is stored; it is not secret and never returned.
      omit: { credentialIv: false },
      ...pageArgs(filter),
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
    });
    return toPage(rows.map(toRecord), filter);
  }

  async findById(id: string): Promise<ProviderRecord | null> {
    if (!isUuid(id)) return null;
    const row = await this.db.provider.findUnique({ where: { id }, omit: { credentialIv: false } });
    return row === null ? null : toRecord(row);
  }

  async findByIds(ids: string[]): Promise<ProviderRecord[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    const rows = await this.db.provider.findMany({ where: { id: { in: valid } }, omit: { credentialIv: false } });
    return rows.map(toRecord);
  }

  async findByName(name: string): Promise<ProviderRecord | null> {
    const row = await this.db.provider.findUnique({ where: { name }, omit: { credentialIv: false } });
    return row === null ? null : toRecord(row);
  }

  async create(data: CreateProviderData): Promise<ProviderRecord> {
    const { credential, ...columns } = data;
    const row = await this.db.provider.create({
      data: { ...columns, ...credentialColumns(credential) },
      omit: { credentialIv: false },
    });
    return toRecord(row);
  }

  async update(id: string, data: UpdateProviderData): Promise<ProviderRecord> {
    const { credential, ...columns } = data;
    const row = await this.db.provider.update({
      where: { id },
      data: { ...columns, ...(credential === undefined ? {} : credentialColumns(credential)) },
      omit: { credentialIv: false },
    });
    return toRecord(row);
  }

  /** What uses the provider: model targets (LLM) and HTTP products. A type change must not strand them. */
  async usage(id: string): Promise<{ modelTargets: number; httpProducts: number }> {
    // One after the other: inside a transaction both would queue on the same connection anyway.
    const modelTargets = await this.db.modelTarget.count({ where: { providerId: id } });
    const httpProducts = await this.db.product.count({ where: { httpProviderId: id } });
    return { modelTargets, httpProducts };
  }

  /** The encrypted credential of a provider, for `decryptCredential`. The only read of these columns. */
  async findCredential(id: string): Promise<ProviderCredentialRow | null> {
    if (!isUuid(id)) return null;
    return this.db.provider.findUnique({
      where: { id },
      select: { id: true, credentialCiphertext: true, credentialIv: true, credentialAuthTag: true },
    });
  }
}

function credentialColumns(credential: EncryptedCredentialColumns | null) {
  return {
    credentialCiphertext: credential?.ciphertext ?? null,
    credentialIv: credential?.iv ?? null,
    credentialAuthTag: credential?.authTag ?? null,
  };
}

function toRecord(row: Omit<Provider, 'credentialCiphertext' | 'credentialAuthTag'>): ProviderRecord {
  const { credentialIv, ...record } = row;
  return { ...record, hasCredential: credentialIv !== null };
}
