/**
 * @gatehouse/db: the only import point of the database layer and the only importer of the Prisma runtime.
 * Apps inject repositories (or, for a new repository's home, the clients) and get the generated types from here.
 */
export * from './db.constants';
export * from './db.module';
export * from './postgres-health.probe';
export * from './prisma-client';
export * from './postgres-query-counter';
export * from './pagination';
export * from './uuid';
export * from './partitions/daily-partitions';
export * from './repositories/tenant.repository';
export * from './repositories/api-key.repository';
export * from './repositories/subscription.repository';
export * from './repositories/catalog.repository';
// Repositories of the control plane's contexts: one line per file, kept in alphabetical order.
export * from './repositories/alert.repository';
export * from './repositories/anomaly.repository';
export * from './repositories/audit.repository';
export * from './repositories/call-log.repository';
export * from './repositories/gateway-snapshot.repository';
export * from './repositories/invitation.repository';
export * from './repositories/membership.repository';
export * from './repositories/notification.repository';
export * from './repositories/plan.repository';
export * from './repositories/policy.repository';
export * from './repositories/product.repository';
export * from './repositories/password-reset.repository';
export * from './repositories/provider.repository';
export * from './repositories/rollup-slices';
export * from './repositories/session.repository';
export * from './repositories/siem-export.repository';
export * from './repositories/usage-ingestion.repository';
export * from './repositories/usage-maintenance.repository';
export * from './repositories/usage-report.repository';
export * from './repositories/user.repository';
export * from './repositories/webhook.repository';
export * from './transaction-runner';
export * from './migrations/database-admin';
export * from './migrations/migrator';

// Generated types: enums (as values and types), the `Prisma` namespace (Decimal, input types, errors) and the
// model types. The PrismaClient class itself is not exported: clients come from createPrismaClient or DbModule.
export { Prisma } from './generated/prisma/client';
export * from './generated/prisma/enums';
export type {
  AlertFiring,
  AlertRule,
  AnomalyIncident,
  ApiKey,
  ApiKeySubscription,
  AuditEvent,
  Invitation,
  Membership,
  ModelPrice,
  ModelRoute,
  ModelTarget,
  Notification,
  Plan,
  Policy,
  PolicyVersion,
  Product,
  Provider,
  Session,
  Subscription,
  Tenant,
  UsageEvent,
  UsageRollup,
  User,
  WebhookDelivery,
} from './generated/prisma/client';
