import { z } from 'zod';

export const notificationListQuerySchema = z.object({
  /** `true`: unread ones only. */
  unread: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  cursor: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export const notificationSchema = z.object({
  id: z.uuid(),
  /** e.g. `subscription.approved`, `subscription.expired`, `budget.threshold`. */
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  /** Ids the portal links to (`subscriptionId`, ...). */
  data: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});

export const notificationListSchema = z.object({
  items: z.array(notificationSchema),
  nextCursor: z.string().nullable(),
});

/**
 * The tenant's webhook: where subscription decisions (and budget alerts) are posted, signed with
 * `x-gatehouse-signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. Without `secret`, one is generated
 * and answered once.
 */
export const putWebhookRequestSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000),
    secret: z.string().min(16, 'must be at least 16 characters').max(200).optional(),
  })
  .strict();

export const webhookSchema = z.object({
  url: z.string(),
  /** Present only in the answer that set it when the server generated it. */
  secret: z.string().optional(),
  updatedAt: z.string(),
});

export type NotificationListQuery = z.infer<typeof notificationListQuerySchema>;
export type NotificationResponse = z.infer<typeof notificationSchema>;
export type PutWebhookRequest = z.infer<typeof putWebhookRequestSchema>;
export type WebhookResponse = z.infer<typeof webhookSchema>;
