import {
  createPlanRequestSchema,
  planListQuerySchema,
  planListSchema,
  planSchema,
  updatePlanRequestSchema,
} from '@gatehouse/contracts';
import { createZodDto } from 'nestjs-zod';

export class CreatePlanDto extends createZodDto(createPlanRequestSchema) {}

export class UpdatePlanDto extends createZodDto(updatePlanRequestSchema) {}

export class ListPlansQueryDto extends createZodDto(planListQuerySchema) {}

export class PlanDto extends createZodDto(planSchema) {}

export class PlanListDto extends createZodDto(planListSchema) {}
