import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { AdminOnly } from '../auth/access/access-rule';
import { type Actor } from '../auth/authenticated-user';
import { CurrentActor } from '../auth/current-user.decorator';
import { CreatePlanDto, ListPlansQueryDto, PlanDto, PlanListDto, UpdatePlanDto } from './dto/plan.dto';
import { PlansService } from './plans.service';

@ApiTags('plans')
@Controller('admin/plans')
@AdminOnly()
export class PlansController {
  constructor(private readonly plans: PlansService) {}

  @Get()
  @ZodResponse({ status: 200, type: PlanListDto })
  list(@Query() query: ListPlansQueryDto) {
    return this.plans.list(query);
  }

  @Post()
  @ZodResponse({ status: 201, type: PlanDto })
  create(@Body() body: CreatePlanDto, @CurrentActor() actor: Actor) {
    return this.plans.create(actor, body);
  }

  @Get(':planId')
  @ZodResponse({ status: 200, type: PlanDto })
  get(@Param('planId') planId: string) {
    return this.plans.get(planId);
  }

  @Patch(':planId')
  @ZodResponse({ status: 200, type: PlanDto })
  update(@Param('planId') planId: string, @Body() body: UpdatePlanDto, @CurrentActor() actor: Actor) {
    return this.plans.update(actor, planId, body);
  }

  @Post(':planId/retire')
  @ZodResponse({ status: 200, type: PlanDto })
  retire(@Param('planId') planId: string, @CurrentActor() actor: Actor) {
    return this.plans.retire(actor, planId);
  }
}
