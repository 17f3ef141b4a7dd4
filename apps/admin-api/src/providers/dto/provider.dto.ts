import {
  createProviderRequestSchema,
  providerListQuerySchema,
  providerListSchema,
  providerSchema,
  updateProviderRequestSchema,
} from '@gatehouse/contracts';
import { createZodDto } from 'nestjs-zod';

export class CreateProviderDto extends createZodDto(createProviderRequestSchema) {}

export class UpdateProviderDto extends createZodDto(updateProviderRequestSchema) {}

export class ListProvidersQueryDto extends createZodDto(providerListQuerySchema) {}

export class ProviderDto extends createZodDto(providerSchema) {}

export class ProviderListDto extends createZodDto(providerListSchema) {}
