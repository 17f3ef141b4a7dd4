import { tenantSchema, updateTenantRequestSchema } from '@gatehouse/contracts';
import { createZodDto } from 'nestjs-zod';

export class UpdateTenantDto extends createZodDto(updateTenantRequestSchema) {}

export class TenantDto extends createZodDto(tenantSchema) {}
