import {
  auditEventListSchema,
  auditListQuerySchema,
  auditVerifyResultSchema,
  tenantAuditListQuerySchema,
} from '@gatehouse/contracts';
import { createZodDto } from 'nestjs-zod';

export class AuditListQueryDto extends createZodDto(auditListQuerySchema) {}
export class TenantAuditListQueryDto extends createZodDto(tenantAuditListQuerySchema) {}
export class AuditEventListDto extends createZodDto(auditEventListSchema) {}
export class AuditVerifyResultDto extends createZodDto(auditVerifyResultSchema) {}
