import { type ProviderRecord, type ProviderRepository } from '@gatehouse/db';
import { decryptCredential } from '@gatehouse/domain';
import { type UpstreamProvider } from './upstream.types';

const PAGE_SIZE = 200;

export interface LoadedProviders {
  providers: UpstreamProvider[];
  /** Providers left out, by id, with the reason (never the credential). */
  skipped: { id: string; reason: string }[];
}

/**
 * Every enabled provider with its credential decrypted, read once at boot (and on reload), never per request.
 * `ProviderRepository` keeps the credential columns behind `findCredential`; decryption happens here, in the
 * one process that must hold plaintext credentials. A provider whose credential does not decrypt is skipped,
 * not sent unauthenticated.
 */
export async function loadUpstreamProviders(repository: ProviderRepository, key: Buffer): Promise<LoadedProviders> {
  const records: ProviderRecord[] = [];
  let cursor: string | null = null;
  do {
    const page = await repository.list({ cursor, limit: PAGE_SIZE });
    records.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);

  const providers: UpstreamProvider[] = [];
  const skipped: { id: string; reason: string }[] = [];
  for (const record of records.filter((r) => r.enabled)) {
    let credential: string | null = null;
    try {
      if (record.hasCredential) {
        const row = await repository.findCredential(record.id);
        credential = row === null ? null : decryptCredential(row, key);
      }
    } catch (error) {
      skipped.push({ id: record.id, reason: (error as Error).message });
      continue;
    }
    providers.push({
      id: record.id,
      name: record.name,
      type: record.type,
      baseUrl: record.baseUrl,
      credential,
      internal: record.internal,
    });
  }
  return { providers, skipped };
}
