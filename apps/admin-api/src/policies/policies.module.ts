import { Module } from '@nestjs/common';
import {
  type DbClient,
  PolicyRepository,
  PRISMA_READ_CLIENT,
  ProductRepository,
  provideOnPrimary,
  UsageReportRepository,
} from '@gatehouse/db';
import { PoliciesController } from './policies.controller';
import { PoliciesService } from './policies.service';
import { PolicyEvaluationService } from './policy-evaluation.service';
import { TenantPolicyController } from './tenant-policy.controller';

/**
 * Policy documents as code: every document for platform admins, its own for a tenant's owners; their effective
 * policy and dry-runs. A dry-run's window reads recorded calls on the read client, as the usage reports do.
 */
@Module({
  controllers: [PoliciesController, TenantPolicyController],
  providers: [
    provideOnPrimary(PolicyRepository),
    provideOnPrimary(ProductRepository),
    {
      provide: UsageReportRepository,
      useFactory: (db: DbClient) => new UsageReportRepository(db),
      inject: [PRISMA_READ_CLIENT],
    },
    PoliciesService,
    PolicyEvaluationService,
  ],
})
export class PoliciesModule {}
