import { Body, Controller, Get, Param, Post, Query, UseFilters } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { asTenantId } from '@gatehouse/contracts';
import { ZodResponse } from 'nestjs-zod';
import { TenantAccess } from '../auth/access/access-rule';
import { type Actor } from '../auth/authenticated-user';
import { CurrentActor } from '../auth/current-user.decorator';
import { RetryAfterFilter } from '../auth/throttle/retry-after.filter';
import {
  CreateSubscriptionDto,
  SubscriptionDto,
  SubscriptionLimitUsageDto,
  SubscriptionListDto,
  TenantSubscriptionListQueryDto,
} from './dto/subscription.dto';
import { SubscriptionLimitsService } from './subscription-limits.service';
import { SubscriptionsService } from './subscriptions.service';

/** A tenant's subscriptions. The access guard has checked the caller's membership and role. */
@ApiTags('subscriptions')
@Controller('tenants/:tenantId/subscriptions')
export class SubscriptionsController {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly limits: SubscriptionLimitsService,
  ) {}

  @TenantAccess('VIEWER')
  @Get()
  @ZodResponse({ status: 200, type: SubscriptionListDto })
  list(@Param('tenantId') tenantId: string, @Query() query: TenantSubscriptionListQueryDto) {
    return this.subscriptions.list(asTenantId(tenantId), query);
  }

  @TenantAccess('MEMBER')
  @Post()
  @UseFilters(RetryAfterFilter)
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

  /** The subscription's counters now (used, reserved, remaining, reset times), for usage bars. */
  @TenantAccess('VIEWER')
  @Get(':subscriptionId/limits')
  @ZodResponse({ status: 200, type: SubscriptionLimitUsageDto })
  usage(@Param('tenantId') tenantId: string, @Param('subscriptionId') subscriptionId: string) {
    return this.limits.usage(asTenantId(tenantId), subscriptionId);
  }
}
