import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { asTenantId } from '@gatehouse/contracts';
import { ZodResponse } from 'nestjs-zod';
import { TenantAccess } from '../auth/access/access-rule';
import { type Actor } from '../auth/authenticated-user';
import { CurrentActor } from '../auth/current-user.decorator';
import { AlertsService } from './alerts.service';
import {
  AlertFiringListDto,
  AlertFiringListQueryDto,
  AlertRuleDto,
  AlertRuleListDto,
  PutAlertRuleDto,
} from './dto/alert-rule.dto';

// The access guard has checked the caller's membership of :tenantId before any handler runs, which is what
// makes asTenantId() legitimate here.
@ApiTags('alerts')
@Controller('tenants/:tenantId')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @TenantAccess('VIEWER')
  @Get('alert-rules')
  @ZodResponse({ status: 200, type: AlertRuleListDto })
  listRules(@Param('tenantId') tenantId: string) {
    return this.alerts.listRules(asTenantId(tenantId));
  }

  @TenantAccess('OWNER')
  @Put('alert-rules/tenant')
  @HttpCode(200)
  @ZodResponse({ status: 200, type: AlertRuleDto })
  putTenantRule(@Param('tenantId') tenantId: string, @Body() body: PutAlertRuleDto, @CurrentActor() actor: Actor) {
    return this.alerts.putTenantRule(asTenantId(tenantId), body, actor);
  }

  @TenantAccess('OWNER')
  @Put('alert-rules/subscriptions/:subscriptionId')
  @HttpCode(200)
  @ZodResponse({ status: 200, type: AlertRuleDto })
  putSubscriptionRule(
    @Param('tenantId') tenantId: string,
    @Param('subscriptionId') subscriptionId: string,
    @Body() body: PutAlertRuleDto,
    @CurrentActor() actor: Actor,
  ) {
    return this.alerts.putSubscriptionRule(asTenantId(tenantId), subscriptionId, body, actor);
  }

  @TenantAccess('OWNER')
  @Delete('alert-rules/subscriptions/:subscriptionId')
  @HttpCode(204)
  async deleteSubscriptionRule(
    @Param('tenantId') tenantId: string,
    @Param('subscriptionId') subscriptionId: string,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    await this.alerts.deleteSubscriptionRule(asTenantId(tenantId), subscriptionId, actor);
  }

  @TenantAccess('VIEWER')
  @Get('alert-firings')
  @ZodResponse({ status: 200, type: AlertFiringListDto })
  listFirings(@Param('tenantId') tenantId: string, @Query() query: AlertFiringListQueryDto) {
    return this.alerts.listFirings(asTenantId(tenantId), query);
  }
}
