import { apiKeyListQuerySchema, apiKeyListSchema } from '@gatehouse/contracts';
import { createZodDto } from 'nestjs-zod';

export class ListApiKeysQueryDto extends createZodDto(apiKeyListQuerySchema) {}

export class ApiKeyListDto extends createZodDto(apiKeyListSchema) {}
