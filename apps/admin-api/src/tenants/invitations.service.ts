import { Injectable, Logger } from '@nestjs/common';
import {
  type AcceptedInvitationResponse,
  asTenantId,
  type CreatedInvitationResponse,
  type CreateInvitationRequest,
  type InvitationListQuery,
  type InvitationListResponse,
  type InvitationResponse,
  type TenantId,
} from '@gatehouse/contracts';
import {
  type DbTransaction,
  InvitationRepository,
  type InvitationRecord,
  MembershipRepository,
  TransactionRunner,
} from '@gatehouse/db';
import { AuditService } from '../audit/audit.service';
import { type Actor, type AuthenticatedUser } from '../auth/authenticated-user';
import { CreationThrottle } from '../auth/throttle/creation-throttle';
import { ApiError } from '../common/errors/api-error';
import { hashInvitationToken, INVITATION_TTL_MS, newInvitationToken } from './invitation-tokens';

/**
 * Invitations to join a tenant. They are not mailed: the token is returned once, to the inviter, who passes
 * it on; only its sha256 is stored. It is deliberately not logged (a log line would outlive the invitation).
 */
@Injectable()
export class InvitationsService {
  private readonly logger = new Logger(InvitationsService.name);

  constructor(
    private readonly invitations: InvitationRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly throttle: CreationThrottle,
  ) {}

  async create(tenantId: TenantId, actor: Actor, request: CreateInvitationRequest): Promise<CreatedInvitationResponse> {
    await this.throttle.invitation(tenantId);
    return this.transactions.run(async (tx) => {
      if (await new MembershipRepository(tx).hasMemberWithEmail(tenantId, request.email)) {
        throw ApiError.conflict('already_member', 'A user with this email already belongs to this tenant.');
      }
      return this.createInTransaction(tx, tenantId, actor, request);
    });
  }

  /**
   * Makes an invitation as part of a larger write (a new tenant's owner invitation, for one). A new invitation
   * to an address replaces the tenant's pending ones to it, so only the latest token works.
   */
  async createInTransaction(
    tx: DbTransaction,
    tenantId: TenantId,
    actor: Actor,
    request: CreateInvitationRequest,
    now: Date = new Date(),
  ): Promise<CreatedInvitationResponse> {
    const invitations = new InvitationRepository(tx);
    const replaced = await invitations.withdrawPendingForEmail(tenantId, request.email);
    const token = newInvitationToken();
    const invitation = await invitations.create(tenantId, {
      email: request.email,
      role: request.role,
      tokenHash: hashInvitationToken(token),
      invitedById: actor.userId,
      expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
    });
    await this.audit.record(tx, {
      actor,
      action: 'invitation.create',
      targetType: 'invitation',
      targetId: invitation.id,
      tenantId,
      before: replaced.length > 0 ? { replacedInvitationIds: replaced.map((row) => row.id) } : undefined,
      after: invitationSnapshot(invitation),
    });
    this.logger.debug(`Invitation ${invitation.id} to tenant ${tenantId} created for ${invitation.email}`);
    return {
      id: invitation.id,
      email: invitation.email,
      role: invitation.role,
      expiresAt: invitation.expiresAt.toISOString(),
      token,
    };
  }

  async listPending(tenantId: TenantId, query: InvitationListQuery): Promise<InvitationListResponse> {
    const page = await this.invitations.listPending(tenantId, query);
    return { items: page.items.map(toInvitationResponse), nextCursor: page.nextCursor };
  }

  async withdraw(tenantId: TenantId, actor: Actor, invitationId: string): Promise<void> {
    await this.transactions.run(async (tx) => {
      const invitation = await new InvitationRepository(tx).withdraw(tenantId, invitationId);
      if (!invitation) throw ApiError.notFound('Invitation');
      await this.audit.record(tx, {
        actor,
        action: 'invitation.delete',
        targetType: 'invitation',
        targetId: invitation.id,
        tenantId,
        before: invitationSnapshot(invitation),
      });
    });
  }

  /**
   * Joins the signed-in user to the invitation's tenant. The token is the proof of access to that tenant; the
   * invitation's email must be the user's (the token alone could have been forwarded or leaked).
   */
  async accept(
    user: AuthenticatedUser,
    actor: Actor,
    token: string,
    now: Date = new Date(),
  ): Promise<AcceptedInvitationResponse> {
    const invitation = await this.invitations.findByTokenHash(hashInvitationToken(token));
    if (!invitation) throw ApiError.notFound('Invitation');
    if (invitation.acceptedAt) throw new ApiError(410, 'invitation_used', 'This invitation was accepted already.');
    if (invitation.expiresAt <= now) throw new ApiError(410, 'invitation_expired', 'This invitation has expired.');
    if (invitation.email.toLowerCase() !== user.email.toLowerCase()) {
      throw ApiError.forbidden('This invitation was sent to another email address.', 'invitation_email_mismatch');
    }
    const tenantId = asTenantId(invitation.tenantId);
    return this.transactions.run(async (tx) => {
      const memberships = new MembershipRepository(tx);
      if (await memberships.findForTenant(tenantId, user.id)) {
        throw ApiError.conflict('already_member', 'You already belong to this tenant.');
      }
      if (!(await new InvitationRepository(tx).markAccepted(tenantId, invitation.id, now))) {
        throw new ApiError(410, 'invitation_used', 'This invitation was accepted or withdrawn meanwhile.');
      }
      const membership = await memberships.create(tenantId, user.id, invitation.role);
      await this.audit.record(tx, {
        actor,
        action: 'invitation.accept',
        targetType: 'invitation',
        targetId: invitation.id,
        tenantId,
        before: invitationSnapshot(invitation),
        after: { membershipId: membership.id, userId: user.id, role: membership.role, acceptedAt: now },
      });
      return { tenantId, tenantName: invitation.tenant.name, role: membership.role };
    });
  }
}

export function toInvitationResponse(invitation: InvitationRecord): InvitationResponse {
  return {
    id: invitation.id,
    email: invitation.email,
    role: invitation.role,
    expiresAt: invitation.expiresAt.toISOString(),
    createdAt: invitation.createdAt.toISOString(),
  };
}

function invitationSnapshot(invitation: InvitationRecord) {
  return {
    id: invitation.id,
    email: invitation.email,
    role: invitation.role,
    expiresAt: invitation.expiresAt,
    invitedById: invitation.invitedById,
  };
}
