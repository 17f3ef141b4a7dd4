import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { AdminSubscriptionsController } from './admin-subscriptions.controller';
import { PlanChangeService } from './plan-change.service';
import { SubscriptionAnnouncer } from './subscription-announcer';
import { SubscriptionDecisionsService } from './subscription-decisions.service';
import { SubscriptionExpirySweeper } from './subscription-expiry.sweeper';
import { SubscriptionLimitsService } from './subscription-limits.service';
import { SubscriptionsController } from './subscriptions.controller';
import { SubscriptionsService } from './subscriptions.service';

/**
 * Subscriptions: tenants request access to a product's plan, admins decide, grants expire, and a grant's counters
 * can be read. `SubscriptionRepository` and `TransactionRunner` come from the global DbModule, `LimitsReader` from
 * the app module.
 */
@Module({
  imports: [NotificationsModule],
  controllers: [SubscriptionsController, AdminSubscriptionsController],
  providers: [
    SubscriptionsService,
    SubscriptionDecisionsService,
    SubscriptionAnnouncer,
    SubscriptionExpirySweeper,
    SubscriptionLimitsService,
    PlanChangeService,
  ],
  exports: [SubscriptionExpirySweeper],
})
export class SubscriptionsModule {}
