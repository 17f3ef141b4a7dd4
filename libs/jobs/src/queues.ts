/** BullMQ queues. Each is consumed by one processor family in the worker; workers scale out per queue. */
export const QueueName = {
  /** The gateway's per-request usage events, ingested into raw rows and rollups. */
  Usage: 'usage',
  /** Budget and quota checks after usage lands, anomaly checks, and the retries of webhook deliveries. */
  Alerts: 'alerts',
  /** Scheduled housekeeping: partitions, retention, reconciliation, expiry. */
  Maintenance: 'maintenance',
} as const;

export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const JobName = {
  /** A flush of a gateway's usage events: many requests in one job. */
  UsageBatch: 'usage.batch',
  /** One request's usage event, as gateways of the previous version sent it: still ingested, no longer sent. */
  UsageRecorded: 'usage.recorded',
  /** A tenant's spend and quotas changed: check its alert rules' thresholds. */
  BudgetCheck: 'alerts.budget-check',
  /** Attempt the webhook deliveries whose next attempt is due (scheduled). */
  WebhookRetry: 'alerts.webhook-retry',
  /** Evaluate every tenant's and the platform's traffic for anomalies (scheduled). */
  AnomalyCheck: 'alerts.anomaly-check',
  /** Drop the daily partitions of raw usage events past their retention, and old minute rollups (scheduled). */
  UsageRetention: 'maintenance.usage-retention',
  /** Prove the rollups equal the raw rows over a window, and report any difference (scheduled). */
  UsageReconciliation: 'maintenance.usage-reconciliation',
  /** Create the daily partitions of the coming days ahead of the rows that need them (scheduled). */
  PartitionsAhead: 'maintenance.partitions-ahead',
} as const;

export type JobName = (typeof JobName)[keyof typeof JobName];
