import { createApiKeyRequestSchema, createdApiKeySchema } from '@gatehouse/contracts';
import { createZodDto } from 'nestjs-zod';

export class CreateApiKeyDto extends createZodDto(createApiKeyRequestSchema) {}

export class CreatedApiKeyDto extends createZodDto(createdApiKeySchema) {}
