import { Module } from '@nestjs/common';
import { PolicyRepository, ProductRepository, provideOnPrimary } from '@gatehouse/db';
import { PoliciesController } from './policies.controller';
import { PoliciesService } from './policies.service';
import { TenantPolicyController } from './tenant-policy.controller';

/** Policy documents as code: every document for platform admins, its own for a tenant's owners. */
@Module({
  controllers: [PoliciesController, TenantPolicyController],
  providers: [provideOnPrimary(PolicyRepository), provideOnPrimary(ProductRepository), PoliciesService],
})
export class PoliciesModule {}
