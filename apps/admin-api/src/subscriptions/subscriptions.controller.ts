import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { asTenantId } from '@gatehouse/contracts';
import { ZodResponse } from 'nestjs-zod';
import { TenantAccess } from '../auth/access/access-rule';
import { type Actor } from '../auth/authenticated-user';
import { CurrentActor } from '../auth/current-user.decorator';
import {
  CreateSubscriptionDto,
  SubscriptionDto,
  SubscriptionListDto,
  TenantSubscriptionListQueryDto,
} from './dto/subscription.dto';
import { SubscriptionsService } from './subscriptions.service';

/** A tenant's subscriptions. The access guard has checked the caller's membership and role. */
@ApiTags('subscriptions')
@Controller('tenants/:tenantId/subscriptions')
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @TenantAccess('VIEWER')
  @Get()
  @ZodResponse({ status: 200, type: SubscriptionListDto })
  list(@Param('tenantId') tenantId: string, @Query() query: TenantSubscriptionListQueryDto) {
    return this.subscriptions.list(asTenantId(tenantId), query);
  }

  @TenantAccess('MEMBER')
  @Post()
  @ZodResponse({ status: 201, type: SubscriptionDto })
  request(@Param('tenantId') tenantId: string, @Body() body: CreateSubscriptionDto, @CurrentActor() actor: Actor) {
    return this.subscriptions.request(asTenantId(tenantId), body, actor);
  }

  @TenantAccess('VIEWER')
  @Get(':subscriptionId')
  @ZodResponse({ status: 200, type: SubscriptionDto })
  get(@Param('tenantId') tenantId: string, @Param('subscriptionId') subscriptionId: string) {
    return this.subscriptions.get(asTenantId(tenantId), subscriptionId);
  }
}
