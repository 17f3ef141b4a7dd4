import { Injectable } from '@nestjs/common';
import { type SubscriptionLimitUsageResponse, type TenantId } from '@gatehouse/contracts';
import { SubscriptionRepository, TenantRepository } from '@gatehouse/db';
import { LimitsReader } from '@gatehouse/redis';
import { ApiError } from '../common/errors/api-error';
import { subscriptionLimits } from './subscription.mapper';

/**
 * A subscription's counters as the gateway counts them (used, reserved, remaining, reset times), for usage
 * bars. Read from Redis each time: they move with every request, so caching them would only show stale bars.
 */
@Injectable()
export class SubscriptionLimitsService {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly tenants: TenantRepository,
    private readonly reader: LimitsReader,
  ) {}

  /** Throws `QuotaBackendUnavailableError` (503) when Redis cannot be asked. */
  async usage(tenantId: TenantId, subscriptionId: string): Promise<SubscriptionLimitUsageResponse> {
    const [tenant, row] = await Promise.all([
      this.tenants.findById(tenantId),
      this.subscriptions.findViewForTenant(tenantId, subscriptionId),
    ]);
    // Platform admins pass the access guard for any tenant id, existing or not.
    if (!tenant) throw ApiError.notFound('Tenant');
    if (!row) throw ApiError.notFound('Subscription');
    // The subscription scope with the effective limits, exactly as the gateway admits requests against it (the
    // counters of its chain of plan changes).
    const usage = await this.reader.read({
      tenantId,
      scope: { kind: 'subscription', id: row.limitsScopeId ?? row.id, limits: subscriptionLimits(row) },
      timeZone: tenant.timeZone,
    });
    return {
      subscriptionId: row.id,
      timeZone: usage.timeZone,
      readAt: usage.readAt,
      quotas: usage.quotas,
      rates: usage.rates,
      concurrency: usage.concurrency,
    };
  }
}
