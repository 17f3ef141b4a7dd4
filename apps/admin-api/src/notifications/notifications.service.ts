import { Injectable } from '@nestjs/common';
import { type NotificationResponse, type TenantId } from '@gatehouse/contracts';
import { type DbTransaction, type Notification, NotificationRepository, WebhookRepository } from '@gatehouse/db';
import { randomUUID } from 'node:crypto';
import { ApiError } from '../common/errors/api-error';
import { type TenantEvent } from './tenant-event';
import { WebhookDeliveryService } from './webhook-delivery.service';

/** Pending deliveries created with an event; hand them to `dispatch` once the transaction has committed. */
export interface NotifiedEvent {
  deliveryIds: string[];
}

@Injectable()
export class NotificationsService {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly deliveries: WebhookDeliveryService,
  ) {}

  /**
   * Records a tenant event in the caller's transaction: the in-app notification and one pending webhook
   * delivery per configured webhook. They commit with the change they describe (an outbox), so a crash after
   * the commit loses no delivery: the sweep retries what was never attempted.
   */
  async notify(tx: DbTransaction, tenantId: TenantId, event: TenantEvent): Promise<NotifiedEvent> {
    await new NotificationRepository(tx).create(tenantId, {
      kind: event.kind,
      payload: { title: event.title, body: event.body, data: event.data },
    });
    const webhooks = new WebhookRepository(tx);
    const targets = await webhooks.listTargets(tenantId, event.data['subscriptionId'] ?? null);
    const deliveryIds: string[] = [];
    const seen = new Set<string>();
    for (const target of targets) {
      if (!target.webhookUrl || seen.has(target.webhookUrl)) continue;
      seen.add(target.webhookUrl);
      const delivery = await webhooks.createDelivery(tenantId, {
        alertRuleId: target.id,
        url: target.webhookUrl,
        event: event.kind,
        payload: {
          id: randomUUID(),
          event: event.kind,
          tenantId,
          createdAt: event.occurredAt.toISOString(),
          data: event.data,
        },
        nextAttemptAt: this.deliveries.immediateAttemptLease(event.occurredAt),
      });
      deliveryIds.push(delivery.id);
    }
    return { deliveryIds };
  }

  /** After the commit: attempts the deliveries in the background (the caller's answer does not wait). */
  dispatch(notified: NotifiedEvent): void {
    for (const id of notified.deliveryIds) this.deliveries.deliverInBackground(id);
  }

  async list(
    tenantId: TenantId,
    userId: string,
    query: { unread?: boolean; cursor?: string; limit?: number },
  ): Promise<{ items: NotificationResponse[]; nextCursor: string | null }> {
    const page = await this.notifications.listForUser(tenantId, userId, {
      unreadOnly: query.unread === true,
      cursor: query.cursor,
      limit: query.limit,
    });
    return { items: page.items.map(toResponse), nextCursor: page.nextCursor };
  }

  async markRead(tenantId: TenantId, userId: string, notificationId: string): Promise<NotificationResponse> {
    const row = await this.notifications.markRead(tenantId, userId, notificationId, new Date());
    if (!row) throw ApiError.notFound('Notification');
    return toResponse(row);
  }
}

function toResponse(row: Notification): NotificationResponse {
  const payload = (typeof row.payload === 'object' && row.payload !== null ? row.payload : {}) as {
    title?: unknown;
    body?: unknown;
    data?: unknown;
  };
  return {
    id: row.id,
    kind: row.kind,
    title: typeof payload.title === 'string' ? payload.title : row.kind,
    body: typeof payload.body === 'string' ? payload.body : '',
    data:
      typeof payload.data === 'object' && payload.data !== null && !Array.isArray(payload.data)
        ? (payload.data as Record<string, unknown>)
        : {},
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt?.toISOString() ?? null,
  };
}
