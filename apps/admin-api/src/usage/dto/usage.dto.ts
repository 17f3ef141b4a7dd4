import {
  platformUsageQuerySchema,
  platformUsageSeriesSchema,
  platformUsageSummarySchema,
  tenantUsageQuerySchema,
  tenantUsageSeriesSchema,
  tenantUsageSummarySchema,
} from '@gatehouse/contracts';
import { createZodDto } from 'nestjs-zod';

export class TenantUsageQueryDto extends createZodDto(tenantUsageQuerySchema) {}
export class TenantUsageSeriesDto extends createZodDto(tenantUsageSeriesSchema) {}
export class TenantUsageSummaryDto extends createZodDto(tenantUsageSummarySchema) {}
export class PlatformUsageQueryDto extends createZodDto(platformUsageQuerySchema) {}
export class PlatformUsageSeriesDto extends createZodDto(platformUsageSeriesSchema) {}
export class PlatformUsageSummaryDto extends createZodDto(platformUsageSummarySchema) {}
