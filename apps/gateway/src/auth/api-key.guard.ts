import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GatewayErrorCode } from '@gatehouse/contracts';
import { PUBLIC_ROUTE } from '@gatehouse/observability';
import { GatewayError } from '../common/gateway-error';
import '../usage/metered-request';
import { extractApiKey } from './api-key-extractor';
import { type AuthenticatedRequest } from './authenticated-request';
import { KEY_SNAPSHOT_CACHE_OPTIONS, KeySnapshotCache, type KeySnapshotCacheOptions } from './key-snapshot.cache';
import { keyRefusal } from './key-refusal';

/**
 * The gateway's global guard: every route needs a valid API key unless it is an operational `@PublicRoute()`
 * (`/healthz`, `/metrics`). A malformed key is refused before any lookup.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly snapshots: KeySnapshotCache,
    @Inject(KEY_SNAPSHOT_CACHE_OPTIONS) private readonly options: KeySnapshotCacheOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const extracted = extractApiKey(request.headers);
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
    request.apiKey = snapshot;
    request.meter?.identify(snapshot);
    return true;
  }
}
