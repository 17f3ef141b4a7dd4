import { rotateApiKeyRequestSchema, rotatedApiKeySchema } from '@gatehouse/contracts';
import { createZodDto } from 'nestjs-zod';

export class RotateApiKeyDto extends createZodDto(rotateApiKeyRequestSchema) {}

export class RotatedApiKeyDto extends createZodDto(rotatedApiKeySchema) {}
