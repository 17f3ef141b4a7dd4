import { Global, Module } from '@nestjs/common';
import { AuditRepository, provideOnPrimary } from '@gatehouse/db';
import { AdminAuditController, TenantAuditController } from './audit.controller';
import { AuditQueryService } from './audit-query.service';
import { AuditService } from './audit.service';

/**
 * The audit trail: every module that writes records through `AuditService`, in the write's transaction;
 * admins read and verify it, tenant owners read their own events.
 */
@Global()
@Module({
  controllers: [AdminAuditController, TenantAuditController],
  providers: [AuditService, AuditQueryService, provideOnPrimary(AuditRepository)],
  exports: [AuditService],
})
export class AuditModule {}
