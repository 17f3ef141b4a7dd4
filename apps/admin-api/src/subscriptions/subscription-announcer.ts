import { Injectable, Logger } from '@nestjs/common';
import { InvalidationPublisher } from '@gatehouse/redis';
import { type NotifiedEvent, NotificationsService } from '../notifications/notifications.service';

/**
 * What follows a committed change to a subscription: gateways drop the tenant's cached entitlements (so a
 * revocation bites within a second), and the tenant's webhook deliveries start. Never before the commit: a
 * gateway reloading on the message must find the new state.
 */
@Injectable()
export class SubscriptionAnnouncer {
  private readonly logger = new Logger('SubscriptionAnnouncer');

  constructor(
    private readonly invalidations: InvalidationPublisher,
    private readonly notifications: NotificationsService,
  ) {}

  async announce(tenantId: string, subscriptionId: string, notified: NotifiedEvent | null): Promise<void> {
    if (notified) this.notifications.dispatch(notified);
    try {
      await this.invalidations.publish({ kind: 'subscription', tenantId, subscriptionId });
    } catch (cause) {
      // The change is committed and stays; gateways then pick it up when their snapshot's TTL runs out.
      this.logger.error(
        `Could not announce subscription ${subscriptionId} to gateways: ${cause instanceof Error ? cause.message : String(cause)}`,
      );
    }
  }
}
