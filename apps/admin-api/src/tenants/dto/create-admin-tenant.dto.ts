import {
  adminTenantDetailSchema,
  adminTenantListQuerySchema,
  adminTenantListSchema,
  createAdminTenantRequestSchema,
  createdAdminTenantSchema,
  reactivateTenantRequestSchema,
  suspendTenantRequestSchema,
  updateAdminTenantRequestSchema,
} from '@gatehouse/contracts';
import { createZodDto } from 'nestjs-zod';

export class CreateAdminTenantDto extends createZodDto(createAdminTenantRequestSchema) {}

export class CreatedAdminTenantDto extends createZodDto(createdAdminTenantSchema) {}

export class ListAdminTenantsQueryDto extends createZodDto(adminTenantListQuerySchema) {}

export class AdminTenantListDto extends createZodDto(adminTenantListSchema) {}

export class AdminTenantDetailDto extends createZodDto(adminTenantDetailSchema) {}

export class UpdateAdminTenantDto extends createZodDto(updateAdminTenantRequestSchema) {}

export class SuspendTenantDto extends createZodDto(suspendTenantRequestSchema) {}

export class ReactivateTenantDto extends createZodDto(reactivateTenantRequestSchema) {}
