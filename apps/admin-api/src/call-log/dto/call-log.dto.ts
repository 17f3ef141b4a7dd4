import {
  callLogDetailSchema,
  platformCallLogQuerySchema,
  platformCallLogSchema,
  tenantCallLogQuerySchema,
  tenantCallLogSchema,
} from '@gatehouse/contracts';
import { createZodDto } from 'nestjs-zod';

export class TenantCallLogQueryDto extends createZodDto(tenantCallLogQuerySchema) {}
export class PlatformCallLogQueryDto extends createZodDto(platformCallLogQuerySchema) {}
export class TenantCallLogDto extends createZodDto(tenantCallLogSchema) {}
export class PlatformCallLogDto extends createZodDto(platformCallLogSchema) {}
export class CallLogDetailDto extends createZodDto(callLogDetailSchema) {}
