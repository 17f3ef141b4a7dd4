import { Global, Module } from '@nestjs/common';
import { AuditService } from './audit.service';

/** The audit trail: every module that writes records through `AuditService`, in the write's transaction. */
@Global()
@Module({
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule {}
