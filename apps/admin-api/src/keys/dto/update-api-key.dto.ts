import { apiKeySchema, updateApiKeyRequestSchema } from '@gatehouse/contracts';
import { createZodDto } from 'nestjs-zod';

export class UpdateApiKeyDto extends createZodDto(updateApiKeyRequestSchema) {}

export class ApiKeyDto extends createZodDto(apiKeySchema) {}
