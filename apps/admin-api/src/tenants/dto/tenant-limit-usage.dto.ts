import { tenantLimitUsageSchema } from '@gatehouse/contracts';
import { createZodDto } from 'nestjs-zod';

export class TenantLimitUsageDto extends createZodDto(tenantLimitUsageSchema) {}
