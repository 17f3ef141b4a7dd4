import { type TenantId } from '@gatehouse/contracts';
import { type Notification, type Prisma } from '../generated/prisma/client';
import { type Page, type PageRequest, pageArgs, toPage } from '../pagination';
import { type DbExecutor } from '../prisma-client';
import { isUuid } from '../uuid';

export interface CreateNotificationData {
  kind: string;
  payload: Prisma.InputJsonValue;
  /** Null (the default) = every member of the tenant. */
  userId?: string | null;
}

export interface NotificationListFilter extends PageRequest {
  unreadOnly?: boolean;
}

/** In-app notifications of a tenant: those for every member (userId null) and those for one user. */
export class NotificationRepository {
  constructor(private readonly db: DbExecutor) {}

  create(tenantId: TenantId, data: CreateNotificationData): Promise<Notification> {
    return this.db.notification.create({ data: { ...data, tenantId } });
  }

  /** What `userId` sees in the tenant, newest first. */
  async listForUser(
    tenantId: TenantId,
    userId: string,
    filter: NotificationListFilter = {},
  ): Promise<Page<Notification>> {
    const rows = await this.db.notification.findMany({
      where: { tenantId, OR: [{ userId: null }, { userId }], ...(filter.unreadOnly ? { readAt: null } : {}) },
      ...pageArgs(filter),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    return toPage(rows, filter);
  }

  /**
   * Marks a notification read (keeping the first read time) and returns it; null when it is not one the user
   * sees in this tenant. A tenant-wide notification has one `readAt`: read by one member, read for all.
   */
  async markRead(tenantId: TenantId, userId: string, notificationId: string, now: Date): Promise<Notification | null> {
    if (!isUuid(notificationId)) return null;
    const where = { id: notificationId, tenantId, OR: [{ userId: null }, { userId }] };
    await this.db.notification.updateMany({ where: { ...where, readAt: null }, data: { readAt: now } });
    return this.db.notification.findFirst({ where });
  }
}
