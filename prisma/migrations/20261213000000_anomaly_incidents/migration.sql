-- Anomaly incidents: one open incident per subject (a tenant id or `platform`) and signal. `open` is true while
-- open and NULL once resolved, so the unique key allows one open incident and any number of resolved ones.
CREATE TABLE "anomaly_incidents" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "subject" TEXT NOT NULL,
    "tenant_id" UUID,
    "signal" TEXT NOT NULL,
    "open" BOOLEAN DEFAULT true,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "window_end" TIMESTAMPTZ(3) NOT NULL,
    "observed" DOUBLE PRECISION NOT NULL,
    "baseline" DOUBLE PRECISION NOT NULL,
    "normal_streak" INTEGER NOT NULL DEFAULT 0,
    "opened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),

    CONSTRAINT "anomaly_incidents_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "anomaly_incidents_subject_signal_open_key" ON "anomaly_incidents"("subject", "signal", "open");

CREATE INDEX "anomaly_incidents_tenant_id_opened_at_idx" ON "anomaly_incidents"("tenant_id", "opened_at");

ALTER TABLE "anomaly_incidents" ADD CONSTRAINT "anomaly_incidents_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
