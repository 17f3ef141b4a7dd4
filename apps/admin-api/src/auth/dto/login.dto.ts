import { loginRequestSchema, meResponseSchema } from '@gatehouse/contracts';
import { createZodDto } from 'nestjs-zod';

export class LoginDto extends createZodDto(loginRequestSchema) {}

export class MeResponseDto extends createZodDto(meResponseSchema) {}
