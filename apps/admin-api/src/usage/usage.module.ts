import { Module } from '@nestjs/common';
import { type DbClient, PRISMA_READ_CLIENT, UsageReportRepository } from '@gatehouse/db';
import { AdminUsageController } from './admin-usage.controller';
import { UsageSummaryService } from './usage-summary.service';
import { UsageController } from './usage.controller';
import { UsageService } from './usage.service';

/**
 * Usage and cost reports, read from the rollups. The report repository runs on the read client (a replica when
 * DATABASE_READ_URL is set) so dashboards do not load the primary; tenants and subscriptions come from the
 * global DbModule's repositories.
 */
@Module({
  controllers: [UsageController, AdminUsageController],
  providers: [
    {
      provide: UsageReportRepository,
      useFactory: (db: DbClient) => new UsageReportRepository(db),
      inject: [PRISMA_READ_CLIENT],
    },
    UsageService,
    UsageSummaryService,
  ],
})
export class UsageModule {}
