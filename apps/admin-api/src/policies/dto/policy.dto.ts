import {
  dryRunRequestSchema,
  dryRunResponseSchema,
  effectivePolicyQuerySchema,
  effectivePolicySchema,
  policyActivityQuerySchema,
  policyActivitySchema,
  policyJsonSchemaResponseSchema,
  policyListSchema,
  policySchema,
  policyValidationSchema,
  policyVersionDetailSchema,
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
export class PolicyVersionDetailDto extends createZodDto(policyVersionDetailSchema) {}
export class EffectivePolicyDto extends createZodDto(effectivePolicySchema) {}
export class EffectivePolicyQueryDto extends createZodDto(effectivePolicyQuerySchema) {}
export class DryRunDto extends createZodDto(dryRunRequestSchema) {}
export class DryRunResultDto extends createZodDto(dryRunResponseSchema) {}
export class PolicyActivityQueryDto extends createZodDto(policyActivityQuerySchema) {}
export class PolicyActivityDto extends createZodDto(policyActivitySchema) {}
