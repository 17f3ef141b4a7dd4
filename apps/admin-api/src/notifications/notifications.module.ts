import { Module } from '@nestjs/common';
import { NotificationRepository, provideOnPrimary, WebhookRepository } from '@gatehouse/db';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';
import { TenantWebhookService } from './tenant-webhook.service';
import { WebhookDeliveryService } from './webhook-delivery.service';

/**
 * What tenants are told: in-app notifications, and signed webhook deliveries with retries. Other contexts
 * call `NotificationsService.notify` in their write's transaction and `dispatch` after it commits.
 */
@Module({
  controllers: [NotificationsController],
  providers: [
    provideOnPrimary(NotificationRepository),
    provideOnPrimary(WebhookRepository),
    NotificationsService,
    TenantWebhookService,
    WebhookDeliveryService,
  ],
  exports: [NotificationsService, WebhookDeliveryService],
})
export class NotificationsModule {}
