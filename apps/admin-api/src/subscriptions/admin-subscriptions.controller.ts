import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { AdminOnly } from '../auth/access/access-rule';
import { type Actor } from '../auth/authenticated-user';
import { CurrentActor } from '../auth/current-user.decorator';
import {
  AdminSubscriptionDto,
  AdminSubscriptionListDto,
  AdminSubscriptionListQueryDto,
  ApproveSubscriptionDto,
  RejectSubscriptionDto,
  RevokeSubscriptionDto,
} from './dto/subscription.dto';
import { SubscriptionDecisionsService } from './subscription-decisions.service';

/** The platform admin's approval queue and decisions. */
@ApiTags('admin: subscriptions')
@AdminOnly()
@Controller('admin/subscriptions')
export class AdminSubscriptionsController {
  constructor(private readonly decisions: SubscriptionDecisionsService) {}

  @Get()
  @ZodResponse({ status: 200, type: AdminSubscriptionListDto })
  list(@Query() query: AdminSubscriptionListQueryDto) {
    return this.decisions.list(query);
  }

  @Get(':subscriptionId')
  @ZodResponse({ status: 200, type: AdminSubscriptionDto })
  get(@Param('subscriptionId') subscriptionId: string) {
    return this.decisions.get(subscriptionId);
  }

  @Post(':subscriptionId/approve')
  @HttpCode(200)
  @ZodResponse({ status: 200, type: AdminSubscriptionDto })
  approve(
    @Param('subscriptionId') subscriptionId: string,
    @Body() body: ApproveSubscriptionDto,
    @CurrentActor() actor: Actor,
  ) {
    return this.decisions.approve(subscriptionId, body, actor);
  }

  @Post(':subscriptionId/reject')
  @HttpCode(200)
  @ZodResponse({ status: 200, type: AdminSubscriptionDto })
  reject(
    @Param('subscriptionId') subscriptionId: string,
    @Body() body: RejectSubscriptionDto,
    @CurrentActor() actor: Actor,
  ) {
    return this.decisions.reject(subscriptionId, body.reason, actor);
  }

  @Post(':subscriptionId/revoke')
  @HttpCode(200)
  @ZodResponse({ status: 200, type: AdminSubscriptionDto })
  revoke(
    @Param('subscriptionId') subscriptionId: string,
    @Body() body: RevokeSubscriptionDto,
    @CurrentActor() actor: Actor,
  ) {
    return this.decisions.revoke(subscriptionId, body.reason, actor);
  }
}
