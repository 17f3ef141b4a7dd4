import {
  adminSubscriptionListQuerySchema,
  adminSubscriptionListSchema,
  adminSubscriptionSchema,
  approveSubscriptionRequestSchema,
  createSubscriptionRequestSchema,
  rejectSubscriptionRequestSchema,
  revokeSubscriptionRequestSchema,
  subscriptionLimitUsageSchema,
  subscriptionListSchema,
  subscriptionSchema,
  tenantSubscriptionListQuerySchema,
} from '@gatehouse/contracts';
import { createZodDto } from 'nestjs-zod';

export class CreateSubscriptionDto extends createZodDto(createSubscriptionRequestSchema) {}
export class TenantSubscriptionListQueryDto extends createZodDto(tenantSubscriptionListQuerySchema) {}
export class SubscriptionDto extends createZodDto(subscriptionSchema) {}
export class SubscriptionListDto extends createZodDto(subscriptionListSchema) {}
export class SubscriptionLimitUsageDto extends createZodDto(subscriptionLimitUsageSchema) {}

export class AdminSubscriptionListQueryDto extends createZodDto(adminSubscriptionListQuerySchema) {}
export class ApproveSubscriptionDto extends createZodDto(approveSubscriptionRequestSchema) {}
export class RejectSubscriptionDto extends createZodDto(rejectSubscriptionRequestSchema) {}
export class RevokeSubscriptionDto extends createZodDto(revokeSubscriptionRequestSchema) {}
export class AdminSubscriptionDto extends createZodDto(adminSubscriptionSchema) {}
export class AdminSubscriptionListDto extends createZodDto(adminSubscriptionListSchema) {}
