import { Injectable } from '@nestjs/common';
import {
  type AdminTenantDetailResponse,
  type AdminTenantListQuery,
  type AdminTenantListResponse,
  type AdminTenantResponse,
  asTenantId,
  type CreateAdminTenantRequest,
  type CreatedAdminTenantResponse,
  type CreatedInvitationResponse,
} from '@gatehouse/contracts';
import {
  type MemberRecord,
  MembershipRepository,
  TenantRepository,
  type TenantWithCounts,
  TransactionRunner,
  UserRepository,
} from '@gatehouse/db';
import { AuditService } from '../audit/audit.service';
import { type Actor } from '../auth/authenticated-user';
import { ApiError } from '../common/errors/api-error';
import { InvitationsService } from './invitations.service';

/** The platform admin's view of every tenant. Behind `@AdminOnly()`: the one place that reads across tenants. */
@Injectable()
export class AdminTenantsService {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly memberships: MembershipRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly invitations: InvitationsService,
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
    monthlyBudgetUsd: tenant.monthlyBudgetUsd?.toString() ?? null,
    apiKeyCount: tenant.apiKeyCount,
    owners: owners.map((owner) => ({ userId: owner.userId, email: owner.user.email, name: owner.user.name })),
  };
}
