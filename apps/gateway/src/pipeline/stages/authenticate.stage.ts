import { type IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { GatewayErrorCode, type KeySnapshot } from '@gatehouse/contracts';
import { apiKeyDisplayPrefix } from '@gatehouse/domain';
import { extractApiKey } from '../../auth/api-key-extractor';
import {
  KEY_SNAPSHOT_CACHE_OPTIONS,
  KeySnapshotCache,
  type KeySnapshotCacheOptions,
} from '../../auth/key-snapshot.cache';
import { keyRefusal } from '../../auth/key-refusal';
import { GatewayError } from '../../common/gateway-error';
import { type RequestContext } from '../request-context';

/**
 * Stage 1: the API key the request carries (`Authorization: Bearer`, `x-api-key` or `api-key`), its snapshot from
 * the cache (memory, then Redis, then one single-flight Postgres load), and whether it may be used now. A malformed
 * key is refused before any lookup.
 */
@Injectable()
export class AuthenticateStage {
  constructor(
    private readonly snapshots: KeySnapshotCache,
    @Inject(KEY_SNAPSHOT_CACHE_OPTIONS) private readonly options: KeySnapshotCacheOptions,
  ) {}

  /** The key's snapshot; throws 401 `invalid_api_key`, 403 `tenant_suspended` or 503 (the key store is down). */
  async run(context: RequestContext, headers: IncomingHttpHeaders): Promise<KeySnapshot> {
    const extracted = extractApiKey(headers);
    if (extracted.kind === 'missing') {
      throw GatewayError.invalidApiKey(
        "You didn't provide an API key. Send it as 'Authorization: Bearer <key>' or in an 'x-api-key' header.",
      );
    }
    if (extracted.kind === 'malformed') {
      throw GatewayError.invalidApiKey('Incorrect API key provided: it is not a well-formed Gatehouse key.');
    }
    const snapshot = await this.snapshots.lookup(extracted.hash);
    const refusal = keyRefusal(snapshot, new Date(this.options.clock()));
    if (refusal !== null || snapshot === null)
      throw GatewayError.invalidApiKey(refusal ?? 'Incorrect API key provided.');
    if (snapshot.tenantStatus === 'SUSPENDED') {
      throw GatewayError.of(GatewayErrorCode.TenantSuspended, 'The organisation of this API key is suspended.');
    }
    context.keyPrefix = apiKeyDisplayPrefix(extracted.key);
    return snapshot;
  }
}
