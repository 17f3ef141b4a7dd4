import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { asTenantId } from '@gatehouse/contracts';
import { ZodResponse } from 'nestjs-zod';
import { TenantAccess } from '../auth/access/access-rule';
import { type Actor, type AuthenticatedUser } from '../auth/authenticated-user';
import { CurrentActor, CurrentUser } from '../auth/current-user.decorator';
import {
  NotificationDto,
  NotificationListDto,
  NotificationListQueryDto,
  PutWebhookDto,
  WebhookDto,
} from './dto/notification.dto';
import { NotificationsService } from './notifications.service';
import { TenantWebhookService } from './tenant-webhook.service';

/** A tenant's in-app notifications and its webhook. The access guard has checked the caller's membership. */
@ApiTags('notifications')
@Controller('tenants/:tenantId')
export class NotificationsController {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly webhook: TenantWebhookService,
  ) {}

  @TenantAccess('VIEWER')
  @Get('notifications')
  @ZodResponse({ status: 200, type: NotificationListDto })
  list(
    @Param('tenantId') tenantId: string,
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: NotificationListQueryDto,
  ) {
    return this.notifications.list(asTenantId(tenantId), user.id, query);
  }

  @TenantAccess('VIEWER')
  @Post('notifications/:notificationId/read')
  @ZodResponse({ status: 200, type: NotificationDto })
  markRead(
    @Param('tenantId') tenantId: string,
    @Param('notificationId') notificationId: string,
    @CurrentUser() user: AuthenticatedUser,
  ) {
    return this.notifications.markRead(asTenantId(tenantId), user.id, notificationId);
  }

  @TenantAccess('OWNER')
  @Get('webhook')
  @ZodResponse({ status: 200, type: WebhookDto })
  getWebhook(@Param('tenantId') tenantId: string) {
    return this.webhook.get(asTenantId(tenantId));
  }

  @TenantAccess('OWNER')
  @Put('webhook')
  @HttpCode(200)
  @ZodResponse({ status: 200, type: WebhookDto })
  putWebhook(@Param('tenantId') tenantId: string, @Body() body: PutWebhookDto, @CurrentActor() actor: Actor) {
    return this.webhook.put(asTenantId(tenantId), body, actor);
  }

  @TenantAccess('OWNER')
  @Delete('webhook')
  @HttpCode(204)
  async deleteWebhook(@Param('tenantId') tenantId: string, @CurrentActor() actor: Actor): Promise<void> {
    await this.webhook.remove(asTenantId(tenantId), actor);
  }
}
