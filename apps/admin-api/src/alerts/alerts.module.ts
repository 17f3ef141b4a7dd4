import { Module } from '@nestjs/common';
import { AlertRepository, provideOnPrimary } from '@gatehouse/db';
import { AlertsController } from './alerts.controller';
import { AlertsService } from './alerts.service';

/**
 * Budget alert rules as tenant owners configure them, and the thresholds that fired. The worker evaluates the
 * rules (apps/worker/src/alerts); the tenant's webhook, kept on the tenant-wide rule, is the notifications
 * module's.
 */
@Module({
  controllers: [AlertsController],
  providers: [provideOnPrimary(AlertRepository), AlertsService],
})
export class AlertsModule {}
