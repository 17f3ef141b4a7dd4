import { Injectable } from '@nestjs/common';
import { type TenantId, type TenantLimitUsageResponse } from '@gatehouse/contracts';
import { TenantRepository } from '@gatehouse/db';
import { decimalToString } from '@gatehouse/domain';
import { LimitsReader } from '@gatehouse/redis';
import { ApiError } from '../common/errors/api-error';

/** The tenant-wide counters: its monthly budget, which every subscription and key of the tenant spends. */
@Injectable()
export class TenantLimitsService {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly reader: LimitsReader,
  ) {}

  /** Throws `QuotaBackendUnavailableError` (503) when Redis cannot be asked and the tenant has a budget. */
  async usage(tenantId: TenantId): Promise<TenantLimitUsageResponse> {
    const tenant = await this.tenants.findById(tenantId);
    if (!tenant) throw ApiError.notFound('Tenant');
    // The tenant scope as the gateway builds it from the key snapshot: the budget alone, absent = nothing counted.
    const budget = tenant.monthlyBudgetUsd === null ? null : decimalToString(tenant.monthlyBudgetUsd);
    const usage = await this.reader.read({
      tenantId,
      scope: { kind: 'tenant', id: tenantId, limits: { monthlyBudgetUsd: budget } },
      timeZone: tenant.timeZone,
    });
    return {
      tenantId,
      timeZone: usage.timeZone,
      readAt: usage.readAt,
      quotas: { monthlyBudgetUsd: usage.quotas.monthlyBudgetUsd },
    };
  }
}
