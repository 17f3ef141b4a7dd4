import { Injectable, Logger } from '@nestjs/common';
import {
  type AdminTenantDetailResponse,
  type AdminTenantListQuery,
  type AdminTenantListResponse,
  type AdminTenantResponse,
  asTenantId,
  type CreateAdminTenantRequest,
  type CreatedAdminTenantResponse,
  type CreatedInvitationResponse,
  type UpdateAdminTenantRequest,
} from '@gatehouse/contracts';
import {
  type MemberRecord,
  MembershipRepository,
  TenantRepository,
  type TenantStatus,
  type TenantWithCounts,
  TransactionRunner,
  UserRepository,
} from '@gatehouse/db';
import { type DecimalValue, decimalToString } from '@gatehouse/domain';
import { InvalidationPublisher } from '@gatehouse/redis';
import { AuditService } from '../audit/audit.service';
import { type Actor } from '../auth/authenticated-user';
import { ApiError } from '../common/errors/api-error';
import { InvitationsService } from './invitations.service';

/** The platform admin's view of every tenant. Behind `@AdminOnly()`: the one place that reads across tenants. */
@Injectable()
export class AdminTenantsService {
  private readonly logger = new Logger(AdminTenantsService.name);

  constructor(
    private readonly tenants: TenantRepository,
    private readonly memberships: MembershipRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly invitations: InvitationsService,
    private readonly invalidations: InvalidationPublisher,
  ) {}

  async list(query: AdminTenantListQuery): Promise<AdminTenantListResponse> {
    const page = await this.tenants.listAll(query);
    return { items: page.items.map(toAdminTenantResponse), nextCursor: page.nextCursor };
  }

  async get(tenantId: string): Promise<AdminTenantDetailResponse> {
    const detail = await this.detail(this.tenants, this.memberships, tenantId);
    if (!detail) throw ApiError.notFound('Tenant');
    return detail;
  }

  /**
   * Creates a tenant. An `ownerEmail` of an existing user makes them its owner; for an address without an
   * account, an owner invitation is made and its token returned once, as `ownerInvitation`.
   */
  async create(actor: Actor, request: CreateAdminTenantRequest): Promise<CreatedAdminTenantResponse> {
    return this.transactions.run(async (tx) => {
      const tenants = new TenantRepository(tx);
      const memberships = new MembershipRepository(tx);
      const tenant = await tenants.create({ name: request.name });
      // A platform admin may act on any tenant, and this one was just made: the id is resolved.
      const tenantId = asTenantId(tenant.id);
      await this.audit.record(tx, {
        actor,
        action: 'tenant.create',
        targetType: 'tenant',
        targetId: tenant.id,
        tenantId,
        after: { id: tenant.id, name: tenant.name, timeZone: tenant.timeZone, ownerEmail: request.ownerEmail ?? null },
      });

      let ownerInvitation: CreatedInvitationResponse | null = null;
      if (request.ownerEmail) {
        const owner = await new UserRepository(tx).findByEmailWithMemberships(request.ownerEmail);
        if (owner) {
          const membership = await memberships.create(tenantId, owner.id, 'OWNER');
          await this.audit.record(tx, {
            actor,
            action: 'membership.create',
            targetType: 'membership',
            targetId: membership.id,
            tenantId,
            after: { userId: owner.id, email: owner.email, role: 'OWNER' },
          });
        } else {
          ownerInvitation = await this.invitations.createInTransaction(tx, tenantId, actor, {
            email: request.ownerEmail,
            role: 'OWNER',
          });
        }
      }
      const detail = await this.detail(tenants, memberships, tenant.id);
      if (!detail) throw new Error(`tenant ${tenant.id} vanished inside its creating transaction`);
      return { ...detail, ownerInvitation };
    });
  }

  /**
   * Renames a tenant, moves it to another time zone or sets its tenant-wide monthly budget. The gateways carry
   * the zone and the budget in every key snapshot of the tenant, so a change to either drops them.
   */
  async update(actor: Actor, tenantId: string, request: UpdateAdminTenantRequest): Promise<AdminTenantDetailResponse> {
    const { before, after } = await this.transactions.run(async (tx) => {
      const tenants = new TenantRepository(tx);
      const found = await tenants.findWithCounts(tenantId);
      if (!found) throw ApiError.notFound('Tenant');
      // A platform admin may act on any tenant, and this one exists: the id is resolved.
      const id = asTenantId(found.id);
      await tenants.update(id, {
        ...(request.name !== undefined ? { name: request.name } : {}),
        ...(request.timeZone !== undefined ? { timeZone: request.timeZone } : {}),
        ...(request.monthlyBudgetUsd !== undefined
          ? { monthlyBudgetUsd: request.monthlyBudgetUsd === null ? null : decimalToString(request.monthlyBudgetUsd) }
          : {}),
      });
      const after = await this.detail(tenants, new MembershipRepository(tx), id);
      if (!after) throw new Error(`tenant ${id} vanished inside its updating transaction`);
      const before = tenantSettings(found.name, found.timeZone, found.monthlyBudgetUsd);
      await this.audit.record(tx, {
        actor,
        action: 'tenant.update',
        targetType: 'tenant',
        targetId: id,
        tenantId: id,
        before,
        after: tenantSettings(after.name, after.timeZone, after.monthlyBudgetUsd),
      });
      return { before, after };
    });
    if (before.timeZone !== after.timeZone || before.monthlyBudgetUsd !== after.monthlyBudgetUsd) {
      await this.announce(after.id);
    }
    return after;
  }

  /**
   * Suspends a tenant (every API key of it refused by the gateways) or reactivates it. Setting the status it
   * already has changes nothing and records nothing, but is announced again: a gateway that missed the first
   * message is put right by a retry.
   */
  async setStatus(
    actor: Actor,
    tenantId: string,
    status: TenantStatus,
    reason: string | null,
  ): Promise<AdminTenantDetailResponse> {
    const detail = await this.transactions.run(async (tx) => {
      const tenants = new TenantRepository(tx);
      const found = await tenants.findWithCounts(tenantId);
      if (!found) throw ApiError.notFound('Tenant');
      // A platform admin may act on any tenant, and this one exists: the id is resolved.
      const id = asTenantId(found.id);
      if (found.status !== status) {
        await tenants.setStatus(id, status);
        await this.audit.record(tx, {
          actor,
          action: status === 'SUSPENDED' ? 'tenant.suspend' : 'tenant.reactivate',
          targetType: 'tenant',
          targetId: id,
          tenantId: id,
          before: { status: found.status },
          after: { status, ...(reason !== null ? { reason } : {}) },
        });
      }
      const after = await this.detail(tenants, new MembershipRepository(tx), id);
      if (!after) throw new Error(`tenant ${id} vanished inside its status transaction`);
      return after;
    });
    await this.announce(detail.id);
    return detail;
  }

  /**
   * Tells the gateways to drop the tenant's cached key snapshots, which carry its status, zone and budget. After
   * commit, so a gateway that reloads reads the new values. A lost message is bounded by the gateways' key-cache
   * TTL; the write has happened either way, so it is logged, not returned.
   */
  private async announce(tenantId: string): Promise<void> {
    await this.invalidations
      .publish({ kind: 'tenant', tenantId })
      .catch((error: unknown) => this.logger.error(`Tenant invalidation not published: ${String(error)}`));
  }

  private async detail(
    tenants: TenantRepository,
    memberships: MembershipRepository,
    tenantId: string,
  ): Promise<AdminTenantDetailResponse | null> {
    const tenant = await tenants.findWithCounts(tenantId);
    if (!tenant) return null;
    const owners = await memberships.listOwners(asTenantId(tenant.id));
    return toAdminTenantDetail(tenant, owners);
  }
}

/** What `update` changes, as the audit trail keeps it. */
function tenantSettings(name: string, timeZone: string, monthlyBudgetUsd: DecimalValue | null) {
  return { name, timeZone, monthlyBudgetUsd: monthlyBudgetUsd === null ? null : decimalToString(monthlyBudgetUsd) };
}

export function toAdminTenantResponse(tenant: TenantWithCounts): AdminTenantResponse {
  return {
    id: tenant.id,
    name: tenant.name,
    status: tenant.status,
    createdAt: tenant.createdAt.toISOString(),
    memberCount: tenant.memberCount,
    subscriptionCount: tenant.subscriptionCount,
  };
}

export function toAdminTenantDetail(tenant: TenantWithCounts, owners: MemberRecord[]): AdminTenantDetailResponse {
  return {
    ...toAdminTenantResponse(tenant),
    timeZone: tenant.timeZone,
    monthlyBudgetUsd: tenant.monthlyBudgetUsd === null ? null : decimalToString(tenant.monthlyBudgetUsd),
    apiKeyCount: tenant.apiKeyCount,
    owners: owners.map((owner) => ({ userId: owner.userId, email: owner.user.email, name: owner.user.name })),
  };
}
