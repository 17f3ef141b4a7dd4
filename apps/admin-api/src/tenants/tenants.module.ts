import { Module } from '@nestjs/common';
import { InvitationRepository, MembershipRepository, provideOnPrimary } from '@gatehouse/db';
import { AdminTenantsController } from './admin-tenants.controller';
import { AdminTenantsService } from './admin-tenants.service';
import { InvitationsController } from './invitations.controller';
import { InvitationsService } from './invitations.service';
import { TenantLimitsService } from './tenant-limits.service';
import { TenantsController } from './tenants.controller';
import { TenantsService } from './tenants.service';

/** Tenants, their members and invitations, and the platform admin's tenant directory. */
@Module({
  controllers: [TenantsController, InvitationsController, AdminTenantsController],
  providers: [
    provideOnPrimary(MembershipRepository),
    provideOnPrimary(InvitationRepository),
    TenantsService,
    InvitationsService,
    AdminTenantsService,
    TenantLimitsService,
  ],
})
export class TenantsModule {}
