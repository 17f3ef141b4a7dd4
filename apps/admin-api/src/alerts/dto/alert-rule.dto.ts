import {
  alertFiringListQuerySchema,
  alertFiringListSchema,
  alertRuleListSchema,
  alertRuleSchema,
  putAlertRuleRequestSchema,
} from '@gatehouse/contracts';
import { createZodDto } from 'nestjs-zod';

export class PutAlertRuleDto extends createZodDto(putAlertRuleRequestSchema) {}
export class AlertRuleDto extends createZodDto(alertRuleSchema) {}
export class AlertRuleListDto extends createZodDto(alertRuleListSchema) {}
export class AlertFiringListQueryDto extends createZodDto(alertFiringListQuerySchema) {}
export class AlertFiringListDto extends createZodDto(alertFiringListSchema) {}
