import {
  policyJsonSchemaResponseSchema,
  policyListSchema,
  policySchema,
  policyValidationSchema,
  policyVersionRefSchema,
  putPolicyRequestSchema,
  rollbackPolicyRequestSchema,
  validatePolicyRequestSchema,
} from '@gatehouse/contracts';
import { createZodDto } from 'nestjs-zod';

export class PutPolicyDto extends createZodDto(putPolicyRequestSchema) {}
export class ValidatePolicyDto extends createZodDto(validatePolicyRequestSchema) {}
export class RollbackPolicyDto extends createZodDto(rollbackPolicyRequestSchema) {}
export class PolicyDto extends createZodDto(policySchema) {}
export class PolicyListDto extends createZodDto(policyListSchema) {}
export class PolicyVersionRefDto extends createZodDto(policyVersionRefSchema) {}
export class PolicyValidationDto extends createZodDto(policyValidationSchema) {}
export class PolicyJsonSchemaDto extends createZodDto(policyJsonSchemaResponseSchema) {}
