/**
 * Something a tenant is told about: in the app (a notification for every member) and on its webhook. Built
 * by the context where it happened; `data` holds the ids a client links to and is the webhook's `data`.
 */
export interface TenantEvent {
  /** e.g. `subscription.approved`; the notification's kind and the webhook's `event`. */
  kind: string;
  title: string;
  body: string;
  data: Record<string, string | null>;
  occurredAt: Date;
}
