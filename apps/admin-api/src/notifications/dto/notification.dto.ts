import {
  notificationListQuerySchema,
  notificationListSchema,
  notificationSchema,
  putWebhookRequestSchema,
  webhookSchema,
} from '@gatehouse/contracts';
import { createZodDto } from 'nestjs-zod';

export class NotificationListQueryDto extends createZodDto(notificationListQuerySchema) {}
export class NotificationDto extends createZodDto(notificationSchema) {}
export class NotificationListDto extends createZodDto(notificationListSchema) {}
export class PutWebhookDto extends createZodDto(putWebhookRequestSchema) {}
export class WebhookDto extends createZodDto(webhookSchema) {}
