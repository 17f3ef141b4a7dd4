-- Budget alerts watch several subjects (the tenant's own budget and each subscription) and several metrics
-- (budget, token and call quotas), so a firing is unique per rule, subject, metric, threshold and period.
-- Rows written before this migration could only be tenant budget firings: they are backfilled as such, and the
-- defaults go again so that every new row names its subject and metric.
ALTER TABLE "alert_firings" ADD COLUMN "subject" TEXT NOT NULL DEFAULT 'tenant',
ADD COLUMN "metric" TEXT NOT NULL DEFAULT 'monthlyBudgetUsd';

ALTER TABLE "alert_firings" ALTER COLUMN "subject" DROP DEFAULT,
ALTER COLUMN "metric" DROP DEFAULT;

DROP INDEX "alert_firings_alert_rule_id_threshold_period_key";

CREATE UNIQUE INDEX "alert_firings_alert_rule_id_subject_metric_threshold_period_key" ON "alert_firings"("alert_rule_id", "subject", "metric", "threshold", "period");
